from helper import square


def run_experiment():
    return square(7)
