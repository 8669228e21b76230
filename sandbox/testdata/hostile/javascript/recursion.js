// recursion recurses without end.
function down(n) { return down(n + 1) + 1; }
print(down(0));
