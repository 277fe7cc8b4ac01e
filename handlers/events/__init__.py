from handlers.core import startup

startup.pause_collection()  # until the entry point is built (`handlers.core.startup`)
