"""The command-line interface: thin commands over use-cases and renderers."""
