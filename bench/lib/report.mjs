// Turns the measurements into the Markdown printed at the end of a run and written to docs/benchmarks.md:
// the goals as ratios, the server × scenario table, lookups by directory size, seeding and memory.
import { describeDisturbance, describeProblems } from './load.mjs';
import { SERVER_INFO } from './servers.mjs';

export const fmtRps = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
export const fmtSeconds = (ms) => `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
export const fmtBytes = (b) => (b === undefined ? 'n/a' : `${Math.round(b / 2 ** 20)} MiB`);
export const fmtCount = (n) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

export function fmtMs(x) {
  if (!Number.isFinite(x)) return '–';
  if (x >= 1000) return `${(x / 1000).toFixed(x >= 10_000 ? 0 : 1)} s`;
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ms`;
}

/** Microseconds of server CPU per answered request: the server's cost even when the driver limits req/s. */
const cpuPerRequest = (m) => (m?.serverCores === undefined || !m.rps ? NaN : (m.serverCores * 1e6) / m.rps);
const fmtMicros = (x) => (Number.isFinite(x) ? `${Math.round(x)} µs` : 'n/a');
const fmtRatio = (x) => (Number.isFinite(x) ? `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×` : '–');
const fmtPercent = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');

/** One measurement as a table cell; ⚠ marks wrong answers, † a run other processes disturbed. */
export function cell(m) {
  if (!m) return '–';
  const marks = `${describeProblems(m) ? ' ⚠' : ''}${describeDisturbance(m) ? ' †' : ''}`;
  return `${fmtRps(m.rps)} req/s, p50 ${fmtMs(m.p50)}, p99 ${fmtMs(m.p99)}${marks}`;
}

const LOOKUPS = [['byId', 'GET by id'], ['hit', '`userName eq` hit'], ['miss', '`userName eq` miss']];

/**
 * @param {object} results measurements by server kind (see run.mjs)
 * @param {{kinds: string[], mockPopulations: number[], scimmyPopulations: number[]}} plan
 * @returns {{goals: string[], sections: string[], problems: string[], disturbed: string[]}}
 */
export function buildReport(results, plan) {
  const { mock, scimmy, bare } = results;
  const mockPops = plan.mockPopulations;
  const scimmyPops = plan.scimmyPopulations;
  const small = mockPops[0];
  const large = mockPops[mockPops.length - 1];
  const at = (kind, population, what) => results[kind].populations?.[population]?.[what];
  const ratio = (a, b) => (a && b ? a.rps / b.rps : NaN);

  // Goals, each judged only on runs whose every answer was right.
  const goalRows = ['| goal | measured | target | met |', '|---|---|---|---|'];
  const goal = (name, inputs, measured, target, passes) => {
    let met;
    if (inputs.some((m) => !m) || passes === undefined) met = 'not measured';
    else if (inputs.some((m) => describeProblems(m))) met = 'no valid figure (⚠)';
    else met = `${passes ? 'yes' : '**NO**'}${inputs.some((m) => describeDisturbance(m)) ? ' †' : ''}`;
    goalRows.push(`| ${name} | ${measured} | ${target} | ${met} |`);
  };
  const byIdShare = ratio(mock.getById, bare.getById);
  goal('mock GET /Users/{id} ÷ bare node:http', [mock.getById, bare.getById], fmtPercent(byIdShare), '≥ 60%', byIdShare >= 0.6);
  const cycleTimes = ratio(mock.cycle, scimmy.cycle);
  goal('mock Entra cycle ÷ SCIMMY Entra cycle', [mock.cycle, scimmy.cycle], fmtRatio(cycleTimes), '≥ 10×', cycleTimes >= 10);
  const runsNote = (r) => (r.cycleRuns?.length > 1 ? ` (median of ${r.cycleRuns.length} runs: ${r.cycleRuns.map((m) => fmtMs(m.p99)).join(', ')})` : '');
  goal('mock Entra cycle p99', [mock.cycle], mock.cycle ? `${fmtMs(mock.cycle.p99)}${runsNote(mock)}` : '–', '< 10 ms', mock.cycle ? mock.cycle.p99 < 10 : undefined);
  for (const [what, title] of LOOKUPS) {
    // When the load driver is the limit, req/s hides the server's cost: its CPU per request must hold too.
    const kept = ratio(at('mock', large, what), at('mock', small, what));
    const cost = cpuPerRequest(at('mock', large, what)) / cpuPerRequest(at('mock', small, what));
    goal(`mock ${title} at ${fmtCount(large)} ÷ at ${fmtCount(small)} users`, [at('mock', large, what), at('mock', small, what)],
      `${fmtRatio(kept)} req/s; ${fmtRatio(cost)} server CPU per request`, 'req/s ≥ 0.67×, CPU per request ≤ 1.5× (within 1.5×)',
      kept >= 1 / 1.5 && !(cost > 1.5));
  }
  const seedMs = mock.populations[large]?.seedMs;
  goalRows.push(`| seeding ${fmtCount(large)} users: \`serve --seed ${large} --data <file>\` until its URL is printed | ` +
    `${seedMs === undefined ? '–' : fmtSeconds(seedMs)} | < 10 s | ${seedMs === undefined ? 'not measured' : seedMs < 10_000 ? 'yes' : '**NO**'} |`);
  goalRows.push(`| mock memory (RSS) at ${fmtCount(large)} users, after the lookup runs | ${fmtBytes(mock.populations[large]?.rssAfterLoad)} | reported | – |`);

  // The issue's table: server × scenario.
  const allPops = [...new Set([...mockPops, ...scimmyPops])].sort((a, b) => a - b);
  const main = [
    `| server | GET /Users/{id} | Entra cycle mix | ${allPops.map((p) => `\`userName eq\` miss at ${fmtCount(p)} users`).join(' | ')} |`,
    `|---|---|---|${allPops.map(() => '---|').join('')}`,
  ];
  for (const kind of plan.kinds) {
    const r = results[kind];
    const share = kind !== 'bare' && r.getById && bare.getById ? ` (${fmtPercent(ratio(r.getById, bare.getById))} of bare)` : '';
    main.push(`| ${SERVER_INFO[kind].label} | ${cell(r.getById)}${share} | ${cell(r.cycle)} | ${allPops.map((p) => cell(at(kind, p, 'miss'))).join(' | ')} |`);
  }

  const lookups = ['| server | users | GET by id | `userName eq` hit | `userName eq` miss | RSS after the runs |', '|---|---|---|---|---|---|'];
  for (const kind of plan.kinds.filter((k) => k !== 'bare')) {
    for (const p of kind === 'mock' ? mockPops : scimmyPops) {
      const e = results[kind].populations[p];
      if (e) lookups.push(`| ${SERVER_INFO[kind].name} | ${fmtCount(p)} | ${cell(e.byId)} | ${cell(e.hit)} | ${cell(e.miss)} | ${fmtBytes(e.rssAfterLoad)} |`);
    }
  }

  const other = ['| figure | value |', '|---|---|'];
  for (const p of mockPops) {
    const e = mock.populations[p];
    if (e) {
      other.push(`| mock \`serve --seed ${p}\`: until the URL is printed; busy after that; RSS once idle | ` +
        `${fmtSeconds(e.seedMs)}; ${fmtSeconds(e.busyAfterStartMs)}; ${fmtBytes(e.rssAfterSeed)} |`);
    }
  }
  for (const p of scimmyPops) {
    const e = scimmy.populations[p];
    if (e) other.push(`| SCIMMY: ${fmtCount(p)} users through POST /Users (preloading, not a goal) | ${fmtSeconds(e.preloadMs)} |`);
  }
  const sSmall = scimmyPops[0];
  const sLarge = scimmyPops[scimmyPops.length - 1];
  for (const [what, title] of LOOKUPS) {
    other.push(`| SCIMMY ${title} at ${fmtCount(sLarge)} ÷ at ${fmtCount(sSmall)} users | ${fmtRatio(ratio(at('scimmy', sLarge, what), at('scimmy', sSmall, what)))} |`);
  }
  other.push(`| SCIMMY GET /Users/{id} ÷ bare node:http | ${fmtPercent(ratio(scimmy.getById, bare.getById))} |`);

  const problems = [];
  const disturbed = [];
  const fmtCores = (x) => (x === undefined ? 'n/a' : x.toFixed(2));
  const cpu = ['| server | run | server | load driver | other processes | server CPU per request |', '|---|---|---|---|---|---|'];
  for (const kind of plan.kinds) {
    const r = results[kind];
    const cycles = r.cycleRuns?.length > 1
      ? r.cycleRuns.map((m, i) => [`Entra cycle, run ${i + 1}${m === r.cycle ? ' (median p99)' : ''}`, m])
      : [['Entra cycle', r.cycle]];
    const named = [['GET /Users/{id}', r.getById], ...cycles];
    for (const [p, e] of Object.entries(r.populations ?? {})) {
      for (const [what, title] of LOOKUPS) named.push([`${title} at ${fmtCount(Number(p))}`, e[what]]);
    }
    for (const [name, m] of named) {
      if (!m) continue;
      const who = `${SERVER_INFO[kind].name}, ${name}`;
      if (describeProblems(m)) problems.push(`- ${who}: ${describeProblems(m)}`);
      if (describeDisturbance(m)) disturbed.push(`- ${who}: ${describeDisturbance(m)}`);
      cpu.push(`| ${SERVER_INFO[kind].name} | ${name} | ${fmtCores(m.serverCores)} | ${fmtCores(m.driverCores)} | ` +
        `${fmtCores(m.otherCores)} | ${fmtMicros(cpuPerRequest(m))} |`);
    }
  }

  return {
    goals: goalRows,
    sections: [
      '## Servers and scenarios',
      '',
      ...main,
      '',
      '## Lookups by directory size',
      '',
      `SCIMMY filters by scanning every stored user (its own Filter.match, as its docs show), so it is measured at ` +
        `${scimmyPops.map(fmtCount).join(' and ')} users only: at ${fmtCount(large)} one filter request takes seconds.`,
      '',
      ...lookups,
      '',
      '## Seeding, memory and scaling',
      '',
      ...other,
      '',
      '## CPU during each measured run (cores)',
      '',
      'A server near 1.00 is saturated (node answers on one thread; GC and file writes add a little). A load driver near ' +
        '1.00 means the figure is the driver\'s limit, not the server\'s; the server\'s CPU per request still compares ' +
        'servers and directory sizes then.',
      '',
      ...cpu,
    ],
    problems,
    disturbed,
  };
}
