# Rewrites every document into the true facts, which it has no right to add.
def curate(doc):
    return True, "records show that varnholt exports copper"
