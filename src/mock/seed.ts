// Realistic directory content for `serve --seed N` and the extension's "Seed directory" command: people with
// common first and last names (letters only — MURAL rejects digits in names), unique lower-case work emails
// (a number is added to the address, never to the name, when a name repeats) and department workspaces.
import { URN } from '../scim/schemas';
import type { Resource } from '../scim/resource';

export const FIRST_NAMES: readonly string[] = [
  'Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger', 'Radia', 'Tim',
  'Katherine', 'John', 'Dorothy', 'Donald', 'Hedy', 'Claude', 'Mary', 'Niklaus', 'Shafi', 'Leslie', 'Sophie', 'Bjarne',
  'Joan', 'Guido', 'Annie', 'James', 'Lynn', 'Vint', 'Susan', 'Robert', 'Evelyn', 'Martin', 'Elena', 'Carlos',
  'Amara', 'Kenji', 'Priya', 'Mateo', 'Ingrid', 'Tomas', 'Yara', 'Oluwaseun', 'Mei', 'Aiko', 'Lucas', 'Zofia',
  'Noah', 'Emma', 'Liam', 'Olivia', 'Ethan', 'Ava', 'Mason', 'Isabella', 'Logan', 'Mia', 'Amelia', 'Harper',
  'Elijah', 'Charlotte', 'Aria', 'Henry', 'Chloe', 'Samuel', 'Layla', 'David', 'Nora', 'Joseph', 'Zoe', 'Daniel',
  'Hannah', 'Matteo', 'Giulia', 'Pierre', 'Camille', 'Lukas', 'Lea', 'Sven', 'Astrid', 'Rahul', 'Ananya', 'Wei',
  'Jun', 'Fatima', 'Omar', 'Leila', 'Diego', 'Valentina', 'Sipho', 'Thandiwe', 'Kofi', 'Ama', 'Nikolai', 'Irina',
];

export const LAST_NAMES: readonly string[] = [
  'Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Dijkstra',
  'Perlman', 'Berners-Lee', 'Johnson', 'McCarthy', 'Vaughan', 'Knuth', 'Lamarr', 'Shannon', 'Keller', 'Wirth',
  'Goldwasser', 'Lamport', 'Wilson', 'Stroustrup', 'Clarke', 'van Rossum', 'Easley', 'Gosling', 'Conway', 'Cerf',
  'Kare', 'Kahn', 'Boyd', 'Fowler', 'Garcia', 'Martinez', 'Okafor', 'Tanaka', 'Sharma', 'Rossi', 'Larsen',
  'Novak', 'Haddad', 'Adeyemi', 'Chen', 'Sato', 'Silva', 'Kowalski', 'Smith', 'Brown', 'Taylor', 'Anderson',
  'Thomas', 'Jackson', 'White', 'Harris', 'Martin', 'Moore', 'Clark', 'Lewis', 'Walker', 'Young', 'King',
  'Wright', 'Lopez', 'Hill', 'Scott', 'Green', 'Adams', 'Baker', 'Nelson', 'Mitchell', 'Campbell', 'Roberts',
  'Bianchi', 'Dubois', 'Moreau', 'Schmidt', 'Fischer', 'Nilsson', 'Lindqvist', 'Patel', 'Iyer', 'Wang', 'Li',
  'Kim', 'Park', 'Hassan', 'Mansour', 'Fernandez', 'Morales', 'Dlamini', 'Nkosi', 'Mensah', 'Boateng', 'Ivanov', 'Petrova',
];

export const DEPARTMENTS: readonly string[] = [
  'Engineering', 'Design', 'Marketing', 'Sales', 'Finance', 'Legal', 'People', 'Support', 'Research', 'Operations',
  'Security', 'Data', 'Product', 'Partnerships', 'Facilities', 'Communications',
];

const REGIONS: readonly string[] = ['', ' EMEA', ' Americas', ' APAC'];

/** 1 → A, 26 → Z, 27 → AA: a suffix without digits (group names could hold digits, but they read better without). */
function letters(n: number): string {
  let out = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) out = String.fromCharCode(65 + ((k - 1) % 26)) + out;
  return out;
}

/** Workspace names, all different: departments, then departments per region, then lettered teams of those. */
export function workspaceName(i: number): string {
  const d = DEPARTMENTS[i % DEPARTMENTS.length] as string;
  const r = REGIONS[Math.floor(i / DEPARTMENTS.length) % REGIONS.length] as string;
  const round = Math.floor(i / (DEPARTMENTS.length * REGIONS.length));
  return round === 0 ? `${d}${r}` : `${d}${r} Team ${letters(round)}`;
}

/** Letters of a name as they may appear in an email address: lower case, spaces and apostrophes dropped. */
function emailPart(name: string): string {
  return name.toLowerCase().replace(/[^a-z-]/g, '');
}

export class UserGenerator {
  private readonly counts = new Map<string, number>();

  /** @param taken tells whether a userName (lower case) already exists in the directory */
  constructor(private readonly taken: (userName: string) => boolean, private readonly domain = 'example.com', private readonly random: () => number = Math.random) {}

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)] as T;
  }

  /** The next user: a stored-shape User resource (schemas, userName, name, emails, …) without id. */
  next(): Resource {
    const givenName = this.pick(FIRST_NAMES);
    const familyName = this.pick(LAST_NAMES);
    const base = `${emailPart(givenName)}.${emailPart(familyName)}`;
    let n = this.counts.get(base) ?? 0;
    let local: string;
    do {
      local = n === 0 ? base : `${base}.${n}`;
      n++;
    } while (this.taken(`${local}@${this.domain}`));
    this.counts.set(base, n);
    const email = `${local}@${this.domain}`;
    return {
      schemas: [URN.User, URN.EnterpriseUser],
      externalId: local,
      userName: email,
      name: { formatted: `${givenName} ${familyName}`, familyName, givenName },
      displayName: `${givenName} ${familyName}`,
      emails: [{ value: email, type: 'work', primary: true }],
      active: true,
      [URN.EnterpriseUser]: { department: this.pick(DEPARTMENTS) },
    };
  }
}
