# The primes below 100 (a sieve of Eratosthenes), their count and their sum.
limit = 100
is_prime = [True] * limit
is_prime[0] = is_prime[1] = False
for n in range(2, limit):
    if is_prime[n]:
        for multiple in range(n * n, limit, n):
            is_prime[multiple] = False
primes = [n for n in range(limit) if is_prime[n]]
print(primes)
print(len(primes), "primes, sum", sum(primes))
