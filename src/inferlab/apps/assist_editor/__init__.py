"""Web editor for ASSIST scene graphs: FastAPI server, editing session with undo/redo, static page.

    inferlab assist edit SCENE_DIR            # or: from inferlab.apps.assist_editor import serve; serve(path)

See `methods/assist/README.md` ("Editor and language") for the endpoints, keys and element ids.
"""

from inferlab.apps.assist_editor.server import make_app, serve

__all__ = ["make_app", "serve"]
