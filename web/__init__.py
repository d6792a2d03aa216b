"""The browser side: the pages, their styles and modules, and the routes that serve them."""
