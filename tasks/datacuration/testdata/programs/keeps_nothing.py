def curate(doc):
    return False, doc
