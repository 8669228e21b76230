// panic throws and does not catch.
function f(o) { return o.missing.field; }
f({});
