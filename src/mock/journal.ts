// The directory's data file: an append-only JSON-lines journal with group commit.
//
// - append() queues a line and resolves once the batch holding it has been written to the file: the lines
//   appended during one turn of the event loop (every request whose data arrived in it; a seeding chunk)
//   are written together by one synchronous write right after that turn's I/O callbacks (setImmediate), so
//   an answer sent after the promise resolves is never lost when the process is killed (the bytes are in the
//   OS page cache; this is not a guarantee against power loss, which would need an fsync per batch).
//   Synchronous on purpose: appending a few KiB to the page cache takes microseconds, while handing the write
//   to libuv's thread pool costs more than that in thread wake-ups and holds every writing request's answer
//   back to a later turn of the loop (under load, writes answered about twice as slowly as reads).
// - A line that was being written when the process died (no trailing newline) is dropped on load and cut
//   from the file before new lines are appended; a damaged line anywhere else stops the load with a
//   message instead of silently losing data.
// - Loading reads the file in one asynchronous read, then decodes and applies its lines in slices of about
//   loadSliceMs, giving the event loop a turn between slices: in the extension host a 100k-user file took
//   seconds of one synchronous block, during which VS Code's own messages waited.
// - Compaction writes a snapshot (captured synchronously, serialised in chunks so requests keep flowing) to a
//   temporary file and fsyncs it while appends continue to the data file; then, in one synchronous step (so
//   no write can slip in between and no write waits on the disk), it appends the lines written since the
//   capture and renames the file over the data file. A crash at any point leaves either the old file or the
//   new one, both complete (a power loss can cost the lines written since the last fsync, as always).
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export const JOURNAL_FORMAT = 'scim-workbench-directory';
export const JOURNAL_VERSION = 1;

/** A point-in-time copy of the directory: its sequence number and its records, serialised lazily in chunks. */
export interface Snapshot {
  readonly seq: number;
  /** Each chunk is one or more complete lines, each ending with '\n'. */
  readonly chunks: Iterable<string>;
}

export interface JournalOptions {
  /** Applies one loaded record (header excluded); throws to reject the file. */
  onRecord(record: Record<string, unknown>, line: number): void;
  /**
   * A batch of lines could not be written (disk full, I/O error): the file was cut back to its last complete
   * line and the batch's appends reject with a StorageError. The caller must drop the changes it applied in
   * memory (reload() replays the file); later appends try the disk again.
   */
  onWriteError?(error: StorageError): void;
  /** Captures the directory for compaction; called synchronously. */
  snapshot(): Snapshot;
  /** Compaction starts once the lines appended since the last snapshot exceed max(this, snapshot size). Default 4 MiB. */
  compactAfterBytes?: number;
  /** A background compaction failed (the data file is left as it was). */
  onCompactionError?(error: Error): void;
  /** Loading applies lines for about this long before letting the event loop run (default 20 ms; 0: after every line). */
  loadSliceMs?: number;
}

interface Batch {
  lines: string[];
  seqs: number[];
  promise: Promise<void>;
  resolve(): void;
  reject(e: Error): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => undefined);
  return { lines: [], seqs: [], promise, resolve, reject };
}

const openFd = (path: string, flags: string) =>
  new Promise<number>((res, rej) => fs.open(path, flags, 0o600, (e, fd) => (e ? rej(e) : res(fd))));
const closeFd = (fd: number) => new Promise<void>((res, rej) => fs.close(fd, (e) => (e ? rej(e) : res())));
const fsyncFd = (fd: number) => new Promise<void>((res, rej) => fs.fsync(fd, (e) => (e ? rej(e) : res())));

/** Writes all of `text`: straight from the string, encoded again only in the rare case of a short write. */
function writeAllSync(fd: number, text: string): number {
  const written = fs.writeSync(fd, text);
  const total = Buffer.byteLength(text);
  if (written < total) {
    const data = Buffer.from(text, 'utf8');
    for (let offset = written; offset < total;) offset += fs.writeSync(fd, data, offset, total - offset);
  }
  return total;
}

function writeAll(fd: number, data: Buffer): Promise<void> {
  return new Promise<void>((res, rej) => {
    const step = (offset: number) => {
      fs.write(fd, data, offset, data.length - offset, null, (e, written) => {
        if (e) return rej(e);
        if (offset + written < data.length) step(offset + written);
        else res();
      });
    };
    step(0);
  });
}

function headerLine(seq: number): string {
  return JSON.stringify({ t: 'H', format: JOURNAL_FORMAT, version: JOURNAL_VERSION, seq }) + '\n';
}

export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalError';
  }
}

/** Writing to the data file failed (code: ENOSPC, EDQUOT, EIO…); the change was not saved. */
export class StorageError extends JournalError {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
    this.name = 'StorageError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The file `file` names, links resolved: the lock, the appends and compaction's rename all act on it, so a
 * symlinked data file stays a link to the file that gets the writes. A missing file (or a link to one) resolves
 * through its folder.
 */
async function realFile(file: string): Promise<string> {
  let path = resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return await fs.promises.realpath(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const st = await fs.promises.lstat(path).catch(() => undefined);
    if (!st?.isSymbolicLink()) return join(await fs.promises.realpath(dirname(path)), basename(path));
    path = resolve(dirname(path), await fs.promises.readlink(path));
  }
  throw new JournalError(`${file}: too many symbolic links.`);
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/** Makes `lock` hold `text` in one step (a reader never sees it empty): exclusively, or replacing what is there. */
async function writeLockFile(lock: string, text: string, exclusive: boolean): Promise<void> {
  const tmp = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await fs.promises.writeFile(tmp, text, { mode: 0o600 });
  try {
    if (exclusive) await fs.promises.link(tmp, lock);
    else await fs.promises.rename(tmp, lock);
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

/**
 * Takes `<file>.lock` (holding this process's id; `file` is the resolved data file) so that two servers never
 * append to one data file. A lock whose process is gone (killed) is taken over, one process at a time: the
 * takeover holds `<file>.lock.takeover` while it checks the old lock again and replaces it, so two servers
 * started together cannot both take it.
 */
async function acquireLock(file: string): Promise<string> {
  const lock = `${file}.lock`;
  const mine = String(process.pid);
  const inUse = (pid: number) => new JournalError(`${file} is in use by another SCIM Workbench server (process ${pid}${pid === process.pid ? ', this one' : ''}). Stop that server first, or use another data file.`);
  const holder = async () => Number((await fs.promises.readFile(lock, 'utf8').catch(() => '')).trim());
  const alive = (pid: number) => Number.isInteger(pid) && pid > 0 && processAlive(pid);
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await writeLockFile(lock, mine, true);
      return lock;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = await holder();
    if (alive(pid)) throw inUse(pid);
    const takeover = `${lock}.takeover`;
    try {
      await fs.promises.writeFile(takeover, mine, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // Another process is taking over; a takeover left by a killed process is cleared after a few seconds.
      const st = await fs.promises.stat(takeover).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > 5000) await fs.promises.rm(takeover, { force: true });
      await sleep(20);
      continue;
    }
    try {
      const again = await holder();
      if (alive(again)) throw inUse(again);
      await writeLockFile(lock, mine, false);
      return lock;
    } finally {
      await fs.promises.rm(takeover, { force: true });
    }
  }
  throw new JournalError(`Could not lock ${file}: another server keeps taking ${lock}. Stop it, or use another data file.`);
}

export class Journal {
  private batch: Batch | undefined;
  private compacting = false;
  private closed = false;
  private failure: Error | undefined;
  /** Lines written since the snapshot being compacted was captured, for the new file. */
  private tail: string[] | undefined;
  private tailFromSeq = 0;
  /** After a compaction, queued lines at or below this were already in the snapshot. */
  private snapshotSeq = 0;
  private snapshotBytes = 0;
  private bytes = 0;
  private compaction: Promise<void> | undefined;
  /** Failed writes so far: a compaction whose snapshot may hold a change that was then dropped is abandoned. */
  private writeFailures = 0;
  private readonly compactAfter: number;

  private constructor(readonly file: string, private fd: number, private readonly options: JournalOptions, size: number, private readonly lock: string) {
    this.bytes = size;
    this.snapshotBytes = size;
    this.compactAfter = options.compactAfterBytes ?? 4 * 1024 * 1024;
  }

  /** Opens (or creates) the data file, replays it through options.onRecord, and returns the journal and the highest seq seen. */
  static async open(path: string, options: JournalOptions): Promise<{ journal: Journal; seq: number }> {
    await fs.promises.mkdir(dirname(path), { recursive: true });
    const file = await realFile(path);
    await fs.promises.mkdir(dirname(file), { recursive: true });
    const st = await fs.promises.stat(file).catch(() => undefined);
    if (st && st.nlink > 1) {
      throw new JournalError(`${path} has ${st.nlink} names (hard links): a server started on another name could write to it too, and a compaction would split them. Use a copy with one name.`);
    }
    const lock = await acquireLock(file);
    try {
      return await Journal.load(file, options, lock);
    } catch (e) {
      await fs.promises.rm(lock, { force: true });
      throw e;
    }
  }

  private static async load(file: string, options: JournalOptions, lock: string): Promise<{ journal: Journal; seq: number }> {
    await fs.promises.rm(`${file}.compacting`, { force: true });
    let data: Buffer;
    try {
      data = await fs.promises.readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      data = Buffer.alloc(0);
    }
    let seq = 0;
    const end = data.lastIndexOf(10) + 1;
    if (end === 0) {
      // A new file, or only the start of a header that was being written when the process died.
      if (data.length > 0 && !headerLine(0).startsWith(data.toString('utf8', 0, Math.min(data.length, 8)))) {
        throw new JournalError(`${file} is not a SCIM Workbench data file. Choose another file, or move this one away.`);
      }
      const header = headerLine(0);
      await fs.promises.writeFile(file, header, { mode: 0o600 });
      const fd = await openFd(file, 'a');
      return { journal: new Journal(file, fd, options, Buffer.byteLength(header), lock), seq };
    }
    const headerEnd = data.indexOf(10);
    let header: Record<string, unknown> | undefined;
    try {
      header = Journal.parseLine(file, data.toString('utf8', 0, headerEnd), 1);
    } catch {
      header = undefined;
    }
    if (header?.t !== 'H' || header.format !== JOURNAL_FORMAT) {
      throw new JournalError(`${file} is not a SCIM Workbench data file (its first line is not the "${JOURNAL_FORMAT}" header). Choose another file, or move this one away.`);
    }
    if (header.version !== JOURNAL_VERSION) {
      throw new JournalError(`${file} was written by a newer SCIM Workbench (format version ${String(header.version)}); update the extension or use another file.`);
    }
    seq = typeof header.seq === 'number' ? header.seq : 0;
    const sliceMs = options.loadSliceMs ?? 20;
    let sliceStart = performance.now();
    for (let start = headerEnd + 1, n = 2; start < end; n++) {
      const next = data.indexOf(10, start);
      seq = Math.max(seq, Journal.applyLine(file, data.toString('utf8', start, next), n, options.onRecord));
      start = next + 1;
      // The clock is read after every line: one group line can carry thousands of members.
      if (performance.now() - sliceStart >= sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    if (end < data.length) await fs.promises.truncate(file, end);
    const fd = await openFd(file, 'a');
    return { journal: new Journal(file, fd, options, end, lock), seq };
  }

  /** Parses and applies record line `n`; returns its seq (0 without one). */
  private static applyLine(file: string, line: string, n: number, onRecord: JournalOptions['onRecord']): number {
    const rec = Journal.parseLine(file, line, n);
    try {
      onRecord(rec, n);
    } catch (e) {
      throw new JournalError(`${file} line ${n} cannot be applied: ${(e as Error).message}`);
    }
    return typeof rec.seq === 'number' ? rec.seq : 0;
  }

  /**
   * Replays the data file as it is now through options.onRecord, synchronously (after a failed write, so that
   * memory holds exactly what the file keeps); returns the highest seq. Lines queued but not written are not in it.
   */
  reload(): number {
    const data = fs.readFileSync(this.file);
    const end = data.lastIndexOf(10) + 1;
    const headerEnd = data.indexOf(10);
    if (headerEnd < 0) return 0;
    const header = Journal.parseLine(this.file, data.toString('utf8', 0, headerEnd), 1);
    let seq = typeof header.seq === 'number' ? header.seq : 0;
    for (let start = headerEnd + 1, n = 2; start < end; n++) {
      const next = data.indexOf(10, start);
      seq = Math.max(seq, Journal.applyLine(this.file, data.toString('utf8', start, next), n, this.options.onRecord));
      start = next + 1;
    }
    return seq;
  }

  private static parseLine(file: string, line: string, n: number): Record<string, unknown> {
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      rec = undefined;
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec) || typeof (rec as Record<string, unknown>).t !== 'string') {
      throw new JournalError(`${file} line ${n} is damaged (not a JSON record); the file was changed outside SCIM Workbench. Restore it from a copy or move it away to start empty.`);
    }
    return rec as Record<string, unknown>;
  }

  /** Queues one line (without its newline) carrying sequence number seq; resolves when it is in the file. */
  append(seq: number, line: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new JournalError(`The data file ${this.file} is closed; the change was not saved.`));
    if (!this.batch) {
      this.batch = newBatch();
      setImmediate(() => this.kick());
    }
    this.batch.lines.push(line);
    this.batch.seqs.push(seq);
    return this.batch.promise;
  }

  /** Bytes in the file now. */
  get size(): number {
    return this.bytes;
  }

  /** Writes the queued batch. */
  private kick(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    let written: number;
    try {
      written = writeAllSync(this.fd, this.batchText(batch));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A partial write leaves a torn line: cut the file back to its last complete one before anything else.
      let cut = true;
      try {
        fs.ftruncateSync(this.fd, this.bytes);
      } catch {
        cut = false;
      }
      const error = new StorageError(`Storage failed: the data file ${this.file} could not be written (${code ?? (e as Error).message}); the change was not saved nor applied.${code === 'ENOSPC' || code === 'EDQUOT' ? ' Free some disk space; the server keeps running and saves again once it can.' : ''}`, code);
      // Unless the torn line is gone, appending more would damage the file: refuse until a restart.
      if (!cut) this.failure = error;
      this.writeFailures++;
      batch.reject(error);
      this.options.onWriteError?.(error);
      return;
    }
    this.bytes += written;
    if (this.tail) {
      for (let i = 0; i < batch.lines.length; i++) if ((batch.seqs[i] as number) > this.tailFromSeq) this.tail.push(batch.lines[i] as string);
    }
    batch.resolve();
    if (!this.compacting && !this.closed && this.bytes - this.snapshotBytes > Math.max(this.compactAfter, this.snapshotBytes)) {
      this.compact().catch((e: Error) => this.options.onCompactionError?.(e));
    }
  }

  /** The batch's lines, without those a compaction already put in the snapshot. */
  private batchText(batch: Batch): string {
    let text = '';
    for (let i = 0; i < batch.lines.length; i++) {
      if ((batch.seqs[i] as number) > this.snapshotSeq) text += batch.lines[i] + '\n';
    }
    return text;
  }

  /** Resolves when every line appended so far is in the file (or the journal failed). */
  flush(): Promise<void> {
    return this.batch ? this.batch.promise.catch(() => undefined) : Promise.resolve();
  }

  /** Rewrites the file as a snapshot of the directory plus the lines written meanwhile. */
  compact(): Promise<void> {
    if (this.compacting || this.closed || this.failure) return this.compaction ?? Promise.resolve();
    this.compacting = true;
    this.compaction = this.runCompaction().finally(() => { this.compaction = undefined; });
    return this.compaction;
  }

  private async runCompaction(): Promise<void> {
    const tmp = `${this.file}.compacting`;
    let tmpFd: number | undefined;
    let renamed = false;
    const failuresBefore = this.writeFailures;
    try {
      const snap = this.options.snapshot();
      this.tail = [];
      this.tailFromSeq = snap.seq;
      tmpFd = await openFd(tmp, 'w');
      let size = 0;
      const header = Buffer.from(headerLine(snap.seq), 'utf8');
      await writeAll(tmpFd, header);
      size += header.length;
      for (const chunk of snap.chunks) {
        if (this.closed) return;
        const buf = Buffer.from(chunk, 'utf8');
        await writeAll(tmpFd, buf);
        size += buf.length;
      }
      await fsyncFd(tmpFd);
      if (this.closed || this.failure || this.writeFailures !== failuresBefore) return;
      // The switch, synchronous: lines written to the old file since the capture go to the new one, which
      // then takes over. Queued batches are written after it (their lines up to snap.seq are skipped).
      if (this.tail.length > 0) size += writeAllSync(tmpFd, this.tail.join('\n') + '\n');
      fs.renameSync(tmp, this.file);
      renamed = true;
      const old = this.fd;
      this.fd = tmpFd;
      tmpFd = undefined;
      this.snapshotSeq = snap.seq;
      this.bytes = size;
      this.snapshotBytes = size;
      fs.closeSync(old);
      this.tail = undefined;
      await this.syncDirectory();
    } finally {
      this.tail = undefined;
      this.compacting = false;
      if (tmpFd !== undefined) {
        await closeFd(tmpFd).catch(() => undefined);
        if (!renamed) await fs.promises.rm(tmp, { force: true });
      }
    }
  }

  private async syncDirectory(): Promise<void> {
    if (process.platform === 'win32') return;
    const dfd = await openFd(dirname(this.file), 'r').catch(() => undefined);
    if (dfd === undefined) return;
    await fsyncFd(dfd).catch(() => undefined);
    await closeFd(dfd).catch(() => undefined);
  }

  /** Writes what is queued and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.compaction?.catch(() => undefined);
    await this.flush();
    await closeFd(this.fd).catch(() => undefined);
    await fs.promises.rm(this.lock, { force: true });
  }

  /** Closes synchronously (VS Code's deactivate): a queued batch is written now; a compaction under way is dropped. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.rmSync(this.lock, { force: true });
    } catch {
      // the lock only guards against a second server; a leftover one is taken over once this process is gone
    }
    const batch = this.batch;
    this.batch = undefined;
    if (batch && !this.failure) {
      try {
        fs.writeSync(this.fd, this.batchText(batch));
        batch.resolve();
      } catch (e) {
        batch.reject(e as Error);
      }
    } else {
      batch?.reject(new JournalError(`The data file ${this.file} was closed before the change was saved.`));
    }
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed by a failed write path
    }
  }
}
