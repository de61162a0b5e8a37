"""Server-rendered pages: Jinja2 templates, HTMX for partial updates, Plotly charts, all local."""
