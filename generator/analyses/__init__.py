"""Pure analyses: EventLog (or journeys) in, tidy DataFrames or plain numbers out.

No HTML, no Altair, no printing. Each function cites its method in its docstring.
"""
