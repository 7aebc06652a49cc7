extra = {}
