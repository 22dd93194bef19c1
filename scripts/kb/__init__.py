"""kb: the knowledge base command-line tool."""
