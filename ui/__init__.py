"""Web pages, the HTTP API and the widget.

Gradio reads this variable when it is imported: it must never call home from a government server.
"""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
