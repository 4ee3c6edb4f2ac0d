"""Pure building blocks: no Flask, no database."""
