"""Site: pages to HTML with Jinja2, assets, downloads and the atomic write of build/."""
