from handlers.core.runtime import startup

startup.pause_collection()  # until the entry point is built (`handlers.core.runtime.startup`)
