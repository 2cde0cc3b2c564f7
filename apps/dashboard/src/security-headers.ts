import type { RequestHandler } from "express";
import helmet from "helmet";

type Directives = Record<string, string[]>;

/**
 * The console's own pages load one script and one stylesheet from /assets and nothing else: no inline
 * script or style, no other origin, no framing. An injected tag finds nothing it is allowed to do.
 */
const CONSOLE_POLICY: Directives = {
  "default-src": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'"],
  "img-src": ["'self'"],
  "font-src": ["'self'"],
  "connect-src": ["'self'"],
  "manifest-src": ["'self'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
  "base-uri": ["'none'"],
  "object-src": ["'none'"],
};

/**
 * bull-board's UI is not ours to change: its loading screen has inline styles, its React components set
 * `style` attributes, its page sets a `<base>`, and it links IBM Plex from Google Fonts. Scripts stay
 * same-origin only, so the looser styles cannot run code.
 */
const BULL_BOARD_POLICY: Directives = {
  ...CONSOLE_POLICY,
  "style-src": ["'self'", "'unsafe-inline'", "https://fonts.googleapis.com"],
  "font-src": ["'self'", "https://fonts.gstatic.com"],
  "img-src": ["'self'", "data:"],
  "base-uri": ["'self'"],
};

/** Only over TLS: HSTS and upgrading requests would strand a console served over plain HTTP. */
const httpsOnly = (https: boolean): Directives => (https ? { "upgrade-insecure-requests": [] } : {});

/**
 * Security headers on every response the dashboard sends: CSP, no framing, no sniffing, no referrer to
 * other sites, an isolated browsing context, and HSTS when served over HTTPS.
 */
export function securityHeaders(options: { https: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONSOLE_POLICY, ...httpsOnly(options.https) } },
    crossOriginOpenerPolicy: { policy: "same-origin" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    // Not "no-referrer": under it Chromium sends `Origin: null` with form posts, which the same-origin
    // check must refuse. "same-origin" still tells other sites nothing.
    referrerPolicy: { policy: "same-origin" },
    strictTransportSecurity: options.https ? { maxAge: 365 * 24 * 3_600, includeSubDomains: true } : false,
    xFrameOptions: { action: "deny" },
  });
}

/** Replaces the console's policy on bull-board's path with the one its UI needs. */
export function bullBoardPolicy(options: { https: boolean }): RequestHandler {
  return helmet.contentSecurityPolicy({ useDefaults: false, directives: { ...BULL_BOARD_POLICY, ...httpsOnly(options.https) } });
}
