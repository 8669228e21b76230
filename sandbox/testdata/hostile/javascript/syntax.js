// syntax does not parse: the host reports a compile error.
let x = ;
