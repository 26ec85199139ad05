// Why a request got no HTTP answer, in a few kinds a user can act on. Node and undici report failures as
// error codes; classifyError maps them to a kind, a one-line summary and a hint that says what to do.
// No raw error is kept as `cause`: nothing that could carry a header travels with an HttpError.

export type HttpErrorKind =
  | 'invalidUrl'       // the URL (or proxy URL) cannot be used
  | 'dns'              // the host name does not resolve
  | 'refused'          // nothing listens at host:port
  | 'reset'            // the server closed the connection without an answer
  | 'timeout'          // no connection or no complete answer in time
  | 'tls'              // the certificate or TLS handshake failed; see tlsProblem
  | 'proxy'            // the proxy could not be reached or refused the tunnel
  | 'aborted'          // the caller cancelled
  | 'tooManyRedirects' // more redirects than allowed
  | 'network';         // anything else below HTTP (unreachable network, protocol errors)

export type TlsProblem =
  | 'selfSigned'       // the server's certificate signs itself
  | 'selfSignedChain'  // the chain ends in a self-signed root nobody trusts
  | 'untrustedIssuer'  // the issuer (a private or corporate CA, or a missing intermediate) is unknown
  | 'expired'
  | 'notYetValid'
  | 'hostnameMismatch' // the certificate names another host
  | 'revoked'
  | 'notTls'           // the server does not speak TLS (http server behind an https:// URL)
  | 'other';

export class HttpError extends Error {
  /**
   * @param kind what kind of failure
   * @param summary what happened, one sentence
   * @param hint what to do about it
   * @param url the request URL (already redacted)
   * @param code the node/undici/OpenSSL error code, when there is one
   * @param tlsProblem for kind 'tls': which certificate problem
   */
  constructor(
    readonly kind: HttpErrorKind,
    readonly summary: string,
    readonly hint: string,
    readonly url?: string,
    readonly code?: string,
    readonly tlsProblem?: TlsProblem,
  ) {
    super(hint ? `${summary} ${hint}` : summary);
    this.name = 'HttpError';
  }
}

export function isHttpError(e: unknown): e is HttpError {
  return e instanceof HttpError;
}

/** What classifyError knows about the failed request. */
export interface FailureContext {
  /** The URL the failed hop went to. */
  readonly url: URL;
  /** The proxy in use for that hop (credentials already stripped), if any. */
  readonly proxy?: URL;
  /** The overall timeout fired. */
  readonly timedOut: boolean;
  /** The caller's AbortSignal fired. */
  readonly cancelled: boolean;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Makes a string safe to show (removes secrets). */
  readonly redact: (s: string) => string;
}

const TLS_CODES: Record<string, TlsProblem> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'selfSigned',
  SELF_SIGNED_CERT_IN_CHAIN: 'selfSignedChain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrustedIssuer',
  UNABLE_TO_GET_ISSUER_CERT: 'untrustedIssuer',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrustedIssuer',
  CERT_UNTRUSTED: 'untrustedIssuer',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'notYetValid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostnameMismatch',
  HOSTNAME_MISMATCH: 'hostnameMismatch',
  CERT_REVOKED: 'revoked',
  ERR_SSL_WRONG_VERSION_NUMBER: 'notTls',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'notTls',
};

const TRUST_HINT =
  'If you trust this server (a test or staging endpoint, or a corporate proxy that inspects TLS), add its CA ' +
  'certificate to the trusted ones, or turn off VS Code\'s "http.proxyStrictSSL" setting (less safe). ' +
  'Entra itself only accepts certificates from public CAs.';

function tlsExplanation(problem: TlsProblem, host: string, message: string): [string, string] {
  switch (problem) {
    case 'selfSigned':
      return [`The certificate of ${host} is self-signed, so it cannot be verified.`, TRUST_HINT];
    case 'selfSignedChain':
      return [`The certificate chain of ${host} ends in a self-signed root certificate that is not trusted.`, TRUST_HINT];
    case 'untrustedIssuer':
      return [
        `The certificate of ${host} was issued by a CA that is not trusted here, or the server does not send its intermediate certificates.`,
        `Configure the server to send the full certificate chain. ${TRUST_HINT}`,
      ];
    case 'expired':
      return [`The certificate of ${host} has expired.`, 'Renew the server\'s certificate (or check this machine\'s clock); Entra rejects expired certificates too.'];
    case 'notYetValid':
      return [`The certificate of ${host} is not valid yet.`, 'Check the clock of this machine and of the server.'];
    case 'hostnameMismatch':
      return [
        `The certificate presented by ${host} is for another host name (${message}).`,
        'Use the host name the certificate was issued for in the tenant URL, or install a certificate that names this host.',
      ];
    case 'revoked':
      return [`The certificate of ${host} has been revoked.`, 'The server needs a new certificate.'];
    case 'notTls':
      return [`${host} did not answer with TLS.`, 'The server probably speaks plain http on this port: check the scheme and port of the URL.'];
    default:
      return [`The TLS connection to ${host} failed (${message}).`, 'Check that the URL, port and the server\'s TLS setup are right.'];
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** Turns whatever undici/node threw into an HttpError; `e` is never kept. */
export function classifyError(e: unknown, ctx: FailureContext): HttpError {
  const err = (e ?? {}) as { code?: unknown; message?: unknown; name?: unknown };
  const code = typeof err.code === 'string' ? err.code : undefined;
  const message = ctx.redact(typeof err.message === 'string' ? err.message : String(e));
  const url = ctx.redact(ctx.url.toString());
  const host = ctx.url.host;
  const make = (kind: HttpErrorKind, summary: string, hint: string, tls?: TlsProblem) =>
    new HttpError(kind, summary, hint, url, code, tls);

  if (ctx.cancelled) return make('aborted', `The request to ${host} was cancelled.`, '');
  if (ctx.timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return make(
      'timeout',
      `No complete answer from ${host} within ${seconds(ctx.timeoutMs)}.`,
      'The server may be slow or stuck, or a firewall drops the traffic. Check the network (VPN, firewall); ' +
        'behind a corporate proxy set VS Code\'s "http.proxy" setting.',
    );
  }

  const proxy = ctx.proxy;
  if (proxy) {
    const tunnel = /Proxy response \((\d+)\)/.exec(message);
    if (tunnel) {
      const status = Number(tunnel[1]);
      return status === 407
        ? make('proxy', `The proxy ${proxy.host} requires authentication (407).`,
          'Put the proxy credentials in the proxy URL (http://user:password@proxy:port) of VS Code\'s "http.proxy" setting.')
        : make('proxy', `The proxy ${proxy.host} refused to connect to ${host} (status ${status}).`,
          'The proxy may block this host or be unable to reach it; ask your network team, or add the host to "http.noProxy".');
    }
    const proxyUnreachable: Record<string, string> = {
      ECONNREFUSED: 'nothing is listening there',
      ENOTFOUND: 'its host name does not resolve',
      EAI_AGAIN: 'its host name does not resolve right now',
      UND_ERR_CONNECT_TIMEOUT: `no connection within ${seconds(ctx.connectTimeoutMs)}`,
      EHOSTUNREACH: 'it is unreachable',
      ENETUNREACH: 'the network is unreachable',
    };
    if (code && proxyUnreachable[code]) {
      return make('proxy', `Cannot reach the proxy ${proxy.host}: ${proxyUnreachable[code]}.`,
        'Check VS Code\'s "http.proxy" setting (or clear it if you do not need a proxy).');
    }
  }

  const tls = code ? TLS_CODES[code] : undefined;
  if (tls) {
    const [summary, hint] = tlsExplanation(tls, host, message);
    return make('tls', summary, hint, tls);
  }
  switch (code) {
    case 'ENOTFOUND':
      return make('dns', `The host name ${ctx.url.hostname} could not be found (DNS lookup failed).`,
        'Check the tenant URL for typos; on a corporate network check the VPN, or set VS Code\'s "http.proxy".');
    case 'EAI_AGAIN':
      return make('dns', `The host name ${ctx.url.hostname} could not be resolved right now (temporary DNS failure).`,
        'Check the network connection and try again.');
    case 'ECONNREFUSED':
      return make('refused', `Connection refused: nothing is listening at ${host}.`,
        'Is the server (or the mock server) running, and are the host and port right?');
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return make('reset', `${host} closed the connection without answering.`,
        'The server may have crashed or rejected the request; a proxy or firewall can also cut connections. Check the server\'s log.');
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return make('timeout', `Could not connect to ${host} within ${seconds(ctx.connectTimeoutMs)}.`,
        'A firewall may drop the traffic or the host is down. Check the network (VPN, firewall); behind a corporate proxy set VS Code\'s "http.proxy" setting.');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return make('network', `${host} is unreachable from this machine.`, 'Check the network connection and VPN.');
    default:
      if (code && /^ERR_SSL_|^ERR_TLS_|CERT/.test(code)) {
        const [summary, hint] = tlsExplanation('other', host, message);
        return make('tls', summary, hint, 'other');
      }
      return make('network', `The request to ${host} failed: ${message}${code ? ` (${code})` : ''}.`,
        'Check the URL and the network connection.');
  }
}
