// hello shows what a guest is given: arguments, stdin, a mounted file.
let data;
try { data = readFile("/data/input.txt"); } catch (e) { data = String(e); }
console.log(`args=${JSON.stringify(args)} stdin=${JSON.stringify(readStdin())} data=${JSON.stringify(data)}`);
