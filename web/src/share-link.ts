// Share links: the program travels in the URL fragment (#python=<base64url of UTF-8>), which browsers never
// send to a server, so nothing leaves the browser until the user sends the link.

const PREFIX = '#python=';

export function programLink(source: string, base = location.href): string {
  const bytes = new TextEncoder().encode(source);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const encoded = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const url = new URL(base);
  url.hash = PREFIX.slice(1) + encoded;
  return url.href;
}

/** The program in `hash`, or null when the fragment holds none (or not a valid one). */
export function programFromHash(hash = location.hash): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const binary = atob(hash.slice(PREFIX.length).replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}
