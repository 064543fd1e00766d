"""CLI command groups, one module per noun. Each parses options, calls the domain and
storage modules, and renders; heavy imports go inside the function bodies so that
`hunnan-gk --help` stays instant."""
