package roles

import "errors"

// ErrNoJudgement means a judge reply held no "criterion: score" line.
var ErrNoJudgement = errors.New("no criterion scored 0 to 10")
