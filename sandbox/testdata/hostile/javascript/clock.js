// clock spins on the clock, waiting for a time that never comes.
while (new Date().getFullYear() < 3000) {}
