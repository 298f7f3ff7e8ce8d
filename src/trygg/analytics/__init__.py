"""The numeric core: arrays in, arrays out; numpy and scipy only, no Django.

Every function names its method and source and is tested against a reference
implementation (PySAL esda, KDEpy, published worked examples).
"""
