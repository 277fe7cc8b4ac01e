"""The Lambda runtime glue: settings, AWS clients, the REST and EventBridge entry points, errors, tenancy.

What every function needs to run, whatever it decides: nothing here reads or writes a record.
"""
