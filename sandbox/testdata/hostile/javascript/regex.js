// regex backtracks catastrophically: exponential time in the input length
// (the lookahead makes goja use its backtracking engine).
const re = /^(a+)+(?=c)$/;
print(re.test("a".repeat(40) + "b"));
