// The Python pane's starting programs: the files in examples/, the same ones `worldmodel run` takes.
import compoundInterest from '../../examples/compound_interest.py?raw';
import primes from '../../examples/primes.py?raw';
import projectile from '../../examples/projectile.py?raw';

export const PYTHON_EXAMPLES: { name: string; source: string }[] = [
  { name: 'Compound interest', source: compoundInterest },
  { name: 'Primes', source: primes },
  { name: 'Projectile', source: projectile },
];
