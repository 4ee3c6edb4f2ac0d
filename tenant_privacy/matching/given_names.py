"""Given names that are not also common surnames (canonical folded spelling).

Used to tell which word of a name is the given name: an import that writes
"LUND KNUT" or puts the given name in the surname field is read the right way
round, and two different known given names (Maja/Maria, Geir/Einar) are not
taken for a typo. Built from the nickname groups, the Norwegian generator's
name lists and the public first/last name lists of Faker's no_NO, sv_SE,
da_DK, en_US, en_GB, en_IE and en_NZ person providers (names that also appear
there as surnames are left out: Martin, Morgan, Ali).
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["build_ambiguous_names", "build_given_names"]

_TEXT = """
    abbey abbi abbie abby abdirahman abdul abdullahi abelone abigail abjorn adam
    adan addison adele adnan adrian adriana adrienne age agne agnes agneta agnete
    agnieszka aidan aideen aiden aileen ailis aimee aina aine aisha aisling aislinn
    ake aksel al alan alana alanis alanna alannah alastair alba albert alberte
    alberto albin alec aleisha alejandra alejandro aleksander aleksandr aleksandra
    alex alexa alexandra alexandria alexis alf alfons alfred algot alice alicia
    alina alisha alison alistair alister alix aliyah alma alva alvar alvin alyssa
    amadeus amaia amalia amalie amanda amber amelia amelie amie amin amina amir
    amira amy ana anahera anaru anas anastasia anders andre andrea andreas andres
    andrzej andy ane anette angel angela angelica angelika angelina angie anika
    anita anja ann anna annabelle annalise anne anneli annelie annemette annette
    annica annie annika annikki antero antoin antoinette anton antonia antonio
    antony aodhan aoibheann aoibhin aoibhinn aoife april arabella archie ari aria
    ariana arianne ariel ariki arild arlo arne aroha aron arran arron arthur artur
    arvid asa asbjorn ase asger asher ashlee ashleigh ashlene ashling asmund assar
    asta aston astrid atahua aud audrey audun august aurora autumn ava awhina axel
    ayesha ayla bailie barbara barbro bard basti beata beatrice beau beauden becky
    belinda bella ben benedicte benedikte bengt benn benny bent bente benthe berit
    bernadette berndt bernhard bernt bert berta bertil bertram beth bethan bethany
    bettina betty beverley beverly bianca bill billie billy birger birgit birgitta
    birgitte birte birthe bitten bjarne bjorg bjorn blaine blanaid bob bobby bodhi
    bodil boje bol bonnie borge boris borje borris brad brandi brandon brandy
    braxton brayden breandan breanna brenda brendan brendon brent brian briana
    brianna bridget brigid brita britney britt britta brittany brittney brodie
    bronach bronagh bronwyn brooke brooklyn bror bruno bryce bryony cahal cailin
    cailum caitlin caitlyn caitriona cajsa cal caleb callum calum calvin camilla
    candace candice caoilfhionn caoimhe caoimhin caolain caolan caomhan cara caragh
    carin carina carl carla carlo carlos carly carmel carmen carol carola carole
    carolin carolina caroline carolyn carrie carsten casper cassandra cassie
    catarina cathal catharina catherine cathrine cathy catrin catrine catriona ceara
    cecilia cecilie celine cesar chad chantel chantelle charis charlene charlie
    charlott charlotta charlotte che chelsea chelsey cherie cherith cheryl cheyenne
    chlo chris chrissy christel christer christin christina christine christofer
    christoffer christy chuck cianan ciara ciaran ciarrai cillian cindy cirkeline
    claire clara clarence clarissa clas claudia claus clavs cliodhna cliona clive
    clodagh codie colin colleen collette collin colm colton conal conall conan
    conchur conn connie conny conor constance cora corey corinne cormac cornelia
    corrie cortney cory courteney cristian cristina crystal curt cynthia dag dagmar
    dagny daire dairine daisy dakota damian damien damon dan dana daniela daniella
    danielle danny dante dara darin darius darlene darragh darrell darren darrin
    darryl darryn daryl dave dawn dayna deaglan deanna dearbhail dearbhaile dearbhla
    deb debbie deborah debra declan deirbhile del demi denise derek dermot derrick
    dervla desiree destiny devon diamond diana diane dianne diarmuid dina dion
    dionne ditte dolly domhnall dominic dominiqu don donal donna donnie doris
    dorothy dorte dorthe dot doug dustin dwayne dylan eadaoin eamon eamonn ebba ebbe
    ebony ed eddie edel edgar edit edith eduardo edvard edvin edward edwin egil egon
    eileen eilis eilish eimear eimer eimhear einar einer eira eirik eivind eivor
    elaine eleanor elena eleonor eleonora eli elias elijah elin elina elinor elis
    elisa elisabet elisabeth elise elisha elizabeth ella ellen ellie ellinor elly
    elma elmer elna elof eloise elsa else elsebeth elsie elsy elton elvin elvira
    elvis elvy emanul emelie emer emil emilia emilie emilio emily emma emmet emmett
    emmy enar enda engla enya eoghan eoin eric erica erik erika erin erland erling
    erna ernest ernst eryn esben eskil esmarelda espen estelle ester esther ethan
    ethel euan eugen eugene eunan eva evald evan eve evelina evelyn even evert evie
    evy ewa ewan ezra fabian fainche faith fanny fatima faye feargal fearghal
    felicia felix ferdinand fergal fernando filip filippa finbar fintan fiona
    fionntan fionnuala flemming florence folke fran francesca francisco frankie
    frans frazer fred fredde freddy frede frederik frederikke fredric fredrik
    fredrika freja freya frida frode gabriel gabriela gabriella gabrielle gail
    gareth gary gaute gaylene geir gemma gene geoffrey georg georgia georgina gerald
    geraldine gerard gerd gerda gerhard gert gertrud gillian gina gisela gitte glen
    glenda glenys gloria goran gorm gosta gote gottfrid grainne grame grayson greg
    greger gregg greta grete grethe gro gudrun gun gunborg gundhild gunhild gunilla
    gunnar gunnel gunner gunvor gurli guro gustaf gustav gwendolyn gyda hailey hakan
    hakon hal halvard halvor hamid hamish hampus hamza hana hanne hannele hannes
    hans harald harmony harold harriet havard hayleigh hayley hazel heather hector
    hedda hedvig hege heidi helena helene helga helge helle helmer hemi henke
    henning henric henrietta henriette henrik herdis hilda hilde hilding hillevi
    hilma hinewai hjalmar hjalte hjordis hoani holger hollie holly hugh hugo huia
    iain ian ib iben ida idun ihaia ilona ilse imogen ina indi india indie ines inez
    ing inga ingalill inge ingeborg ingebrigt ingegard ingegerd ingela ingelise
    ingemar inger ingmar ingrid ingvar iona irene iris irma isa isabel isabell
    isabella isabelle isac isaiah isak isla isobel isral ivan ivar iver ivy jack
    jackie jaclyn jacob jacobine jacquline jade jaime jake jakob jamal jamie jan
    jana jane janet janette janice janine janne janni jannie jano jared jari jarlath
    jarrod jasmin jasmine jason jasper javier jaxon jay jayde jayden jayne jean
    jeanette jeanne jeff jeffery jeffrey jemma jen jena jenna jenni jennie jennifer
    jenny jens jeppe jeremiah jeremy jerker jermaine jerome jerry jesper jesse
    jessica jessie jesus jill jillian jim jimmie jimmy joachim joacim joakim joan
    joann joanna joanne jocelyn jodi jodie jody johan johanna johanne johannes
    johnathan johnnie johnny jol jolene joline jon jonas jonatan jonathan jonathon
    jonna jonny jordon jorge jorgen jorja jorunn jose josef josefin josefina
    josefine josephine josh joshua josiah jostein joy juan jude judith judy juhani
    julia julian julie julius june juni junior jurgen justin justina justine jytte
    kahu kahurangi kai kaia kaitlin kaitlyn kaj kaja kajsa kaleb kalevi kalle kara
    kare karen kari karianne karim karin karina karl karla karley karlo karolina
    karoline karsten karyn kaspar kasper kat katarina katarzyna katcha kate katelyn
    katharina katharine katherine kathleen kathrine kathryn kathy katie katja katrin
    katrina katrine katy kauri kayden kaye kayla kaylee kayleigh kealan keanu keeva
    keira keld kelli kellie kelsey kelvin ken kendra kenn kennet kenneth kenth keri
    kerri kerrie kerry kerstin kevin khaled khalid khlo kian kiara kiera killian
    kimberley kimberly kira kiri kirsten kirstie kirstin kirstine kirsty kjel kjeld
    kjell kjersti kjetil klara klas klaus klavs knut koha konrad kora kori kris
    krist krista kristen krister kristi kristian kristie kristin kristina kristine
    kristo kristofer kristoffer kristopher kristy krystal krzysztof kumar kurt
    kurtis kyla kyle kylie lachlan lage laila lana lance laoise larke larry lars
    lasse latasha latoya laura lauren laurence laurie laurits laus laust layla lea
    leah leanne leena leia leif leigh leila lena lene lennart lennarth leo leona
    leonardo leonie leonora leopold leroy lesley levi liam libby liisa lilian lill
    lillemor lilly lily lina linda line linn linnea linus lis lisa lisbet lisbeth
    lise liselott liselotte liv liva livia liz lizzie lo lois loke lola lona lone
    lonnie lorcan loretta lori lorna lorraine lott lotta lotte loui louie louis
    louise lova lovis lovisa luca lucia lucinda lucy ludvig ludwig luis luka lukas
    luke lydia lykke lynda lyndon lyndsay lyndsey lynette lynley lynne lynnette
    lynsey maddie maddison madeleine madelene madeline madison mads magdalena maggie
    magne magnus mahdi mahi mahmoud maia maiken mairead mairtin maj maja majken
    majvor makayla malachy malcolm malene malgorzata malik malin mallory malou malte
    malthe malva manaia manaki manawa mandy manfred mange mans manul manus maraa
    marc marcia marcin marco marcus maree mareikura marek maren margaret margareta
    margaretha margit margot margret margrethe mari maria mariah mariam marian
    mariana mariann marianne marie marika marilyn marina mario marion marisa marissa
    marit marita marius marja marjatta mark marko markus marlene marta marte marten
    martha martina martine marvin mary maryam matheo mathew mathias mathilda
    mathilde matias matilda matiu mats matt matteo matthew matthias matti mattias
    matts maud maura maureen maurice mauritz mave max maximilian maya meabh meagan
    meg megan meghan mehmet meibh meja melanie melina melinda melissa melker melwin
    mercedes mereana merete merethe mervyn mette mia micah mical michala micheal
    micheala michel michele michelle micky mie migul mik mika mikal mikala mikare
    mikayla mike mikke mikkel mila milan milla mille millie milo milton mimi mimmi
    mina mindy minna mio mira miriam miriama mirjam misty mitchel moa mogens mohamad
    mollie molly mona monica monika moniqu morten muhammad my mya nadia nadine nadja
    naja nana nancy nanna nanni naoimh naoise naomh naomi nat natalia natalie
    natanal natasha natasja nate nathalie nathan nathaniel neil nellie nelly neo
    nete nevah ngaire nia niall niamh nichola nichole nick nicklas niclas nicola
    nicolai nicolaj nicolas nicole nicoline niels nigel nika nikau nikita nikki
    niklas niko nikola nikolai nikolaj nikolas nikora nils nina noa noah nol nora
    norma nour nova nuala oda odd odeline odette odhran ofelia oisin oivind ojvind
    ola olaf olav olavi ole olfert olga olive olivia oliwer olle olof olov oonagh
    oran orfhlaith orjan orla orlagh orlaigh orlaith orni oscar oskar ossian osten
    osvald ottilia otto ove ovli owe oystein oyvind paddy padraic padraig padraigin
    paige pal palle pam pamela par paris pat patric patrice patricia patrik patty
    paula paulina pauline pauric paw pawel payton peadar pearse peder pedro peggy
    pekka pelle penelope penny per pernilla pernille pete peter petra petter philip
    philippa phillip phobe phonix phyllis pia piaras pierre piotr piper pippa polly
    pontus poppy poul preben priscilla quntin rachal rachel rachelle rafal ragna
    ragnar ragner ragnhild ralf ralph randi randy rasmus raven rawiri rawyn rebecca
    rebecka rebekah rebekka reece regina reginald regitse regitze reidun reine
    reinhold rene renee reuben rex reza rhian rhianna rhianne rhiannon rhonda rhys
    ria rian ricardo richardt rick rickey ricky rigmor rikard rikke rita ritt roar
    rob robbie roberta roberto robin robyn rochelle rodney roger roise roisin rolf
    ron ronald ronja ronni ronnie ronny rory rosa roseanna rosemary rosie rosita
    ruairi ruari ruben ruby rudolf rune rut ruth sabina sabine sabrina sacha sadie
    saga sally sam samantha sami samir samira sammy samul sander sandra sandy sanna
    sanne saoirse sara sarah sasha saskia saul savannah scarlett scot seamus sean
    seana seanan seaneen seanna seb sebastian selena selina selma seona serena
    sergio seth shakira shane shania shanice shanna shannan shannen shari sharlene
    sharon shaun shauna shauneen shawn shawna shay shayne sheena sheila shelby
    shelia shelley shelly sheree sheri sherri sheryl shirley shona sian sienna
    sierra sigfrid sigge signe sigrid sigurd sigvard silas silje sille simen simone
    sindre sine sinead siobhan siofra sione siri sissel siv sivert sixten skye skyla
    skylar sofi sofia sofie solveig solvej solvi sondre sonia sonja sonny sonya
    sophia sophie sorcha soren sorine sos stacey stacie stacy staffan stale stefan
    stefanie steffen steinar stella stellan sten stephan stephanie stephen steve
    steven stian stig stina stine sture su summer sune susan susann susanna susannah
    susanne sussanne sussie suzanne suzy svante svea svein sven svenning sverre
    sydney sylvia synne synnove sys tabitha tage tai taine tama tamara tamati tami
    tammie tammy tane tangaroa tania tanja tanya tapani tapio tara tasha tayla te
    ted teddy tegan tejs teodor terence teresa terese teresia terina terje terrance
    terrence terri tess tessa thea theo theodor theodore theres theresa therese
    theresia thi thore thorleif thure tia tiana tiare tiarna tiarnan tiegan tiffany
    tilda tilde tim timmy timo timothy tina tindra tine tobben tobias toby tom tomas
    tomasz tommy tone toni tonicha tonje tonny tony tonya tor tora torben torbjorn
    tord tore torgny tori torill torstein torsten tory tova tove traci tracie trent
    trevor tricia trine trinity trish tristan trols trond tui ture turid tuulikki
    tuva tyla tyra tyrone tyson uffe ulf ulla ulrica ulrik ulrika ulrike una unni
    uno urban ursula vagn valborg valdemar valentin valentina valerie valter vanessa
    vanja vegard vendela vera verner vernon veronica veronika vicki vickie vicky
    victor victoria vidar vide viggo viking viktor viktoria vilde vilgot vilhelm
    vilhelmina villads ville vilma vilmer viola violet virginia viveka vivian
    vivianne vivienne waimarie waldemar walt wanda warwick wayne weena wenche wendy
    wesley wikitoria wilhelm wilhelmina will wille william willie willow willy wilma
    wilmer winni winnie wiremu xavier xenia yan yannick yasmin yasmine yda yesenia
    ylva yngve yolanda yousef yrsa yusuf yvette yvonne zac zach zacharias zachary
    zack zahra zak zane zara zehnia zelma zenia ziggy zion zo zoy
"""


#: Given names that are also surnames (Martin, Morgan, Ali): either word order.
_AMBIGUOUS_TEXT = """
    abbas abdi abdullah ahmad ahmed alexander ali allan allen allison alve andrew
    angus anthony archer arnold ashley ashton austin bailey barry benjamin bernard
    bevan blair blake bo bradley brady brett brogan bruce bryan cahir callan cameron
    campbell carter casey cassidy charles chase christian christie christopher clare
    clark clayton clifford clinton cody cohen cole colum connor conrad cooper
    courtney craig cruz curtis dale dalton daniel darcy david davy dean deane denis
    dennis desmond devin dick dillon donald douglas drew duane duncan earl eden
    elliot elliott fergus finn fletcher flynn frances francis frank franklin fraser
    frederick fritz garrett garry gavin george gilbert giles gillis glenn gordon
    grace graham grant gregory gunn guy haley hanna hannah harley harper harrison
    harry harvey hasan hassan hayden helen henry herbert herman hilary hope howard
    hudson hunter hussein ibrahim ismail jackson james jarl jo john jordan joseph
    joyce kane kay keegan keelan keely keith kelly kenny kent kieran kim kingston
    kirby kirk lacey lara lawrence lee leon leonard leslie lewis li lincoln lindsay
    lindsey lloyd logan love lowe lucas luna lynn macauley mackenzie martin martyn
    mason maxwell may mckenzie meaghan melody melvin meredith michal miranda
    mitchell mohamed mohammad mohammed morgan murray mustafa myles neville nicholas
    nixon norman oliver omar osman owen parker patrick paul pearce perry peyton
    pierce preston quinn randall ray raymond regan richard rickard riley robert
    rohan roland roman ronan rose ross rowan roy russell ryan ryder said saleh scott
    shannon shea sherry simon spencer stanley steen stein stewart stuart tanner
    taylor terry thomas thor tiernan todd tracey tracy travis troy tyler vaughan
    vega vincent walter warren werner whitney wyatt
"""


def build_ambiguous_names(canon: Callable[[str], str]) -> frozenset[str]:
    """Words used both as given names and as surnames, canonical via ``canon``."""
    return frozenset(canon(w) for w in _AMBIGUOUS_TEXT.split())


def build_given_names(canon: Callable[[str], str]) -> frozenset[str]:
    """The given names above in the canonical form produced by ``canon``."""
    return frozenset(canon(w) for w in _TEXT.split())
