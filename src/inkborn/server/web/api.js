// Talking to the Inkborn server: the token, JSON requests, and her reply as server-sent events.

const KEY = 'inkborn.token';

/** The token from the link's fragment (#t=TOKEN), kept in session storage and removed from the address bar. */
export function takeToken() {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('t');
  if (fromLink) {
    sessionStorage.setItem(KEY, fromLink);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(KEY);
}

export const setToken = (token) => sessionStorage.setItem(KEY, token);
export const forgetToken = () => sessionStorage.removeItem(KEY);

/** A failed request: `status` (0 when the server could not be reached) and the server's own sentence. */
export class ApiError extends Error {
  constructor(status, message, body = null) {
    super(message);
    this.status = status;
    this.body = body;
    this.type = body?.error?.type ?? null;
  }
}

async function request(path, { method = 'GET', body, signal } = {}) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(KEY) ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(path, { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'The Inkborn server cannot be reached. Is `inkborn serve` still running?');
  }
}

async function failure(res) {
  const body = await res.json().catch(() => null);
  return new ApiError(res.status, body?.error?.message ?? `${res.status} ${res.statusText}`, body);
}

/** A JSON request; resolves to the parsed body (null for 204), throws ApiError otherwise. */
export async function api(path, options) {
  const res = await request(path, options);
  if (!res.ok) throw await failure(res);
  return res.status === 204 ? null : res.json();
}

/** The connection ended before the reply did. */
export const lostConnection = () => new ApiError(0, 'The connection was lost while she was answering.', { lost: true });

/**
 * POST `body` and yield each server-sent event of the answer as {event, data}, data parsed as JSON.
 * EventSource cannot POST, so the `event:` and `data:` lines are read from the body stream here.
 */
export async function* events(path, body, signal) {
  const res = await request(path, { method: 'POST', body, signal });
  if (!res.ok) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '', event = '', data = [];
  try {
    for (;;) {
      const chunk = await reader.read().catch((err) => { throw err.name === 'AbortError' ? err : lostConnection(); });
      if (chunk.done) return;
      const lines = (rest + chunk.value).split(/\r?\n/); // a CRLF split across chunks joins up again in `rest`
      rest = lines.pop();
      for (const line of lines) {
        if (line === '') {
          if (data.length) yield { event: event || 'message', data: parse(data.join('\n')) };
          event = '';
          data = [];
        } else if (!line.startsWith(':')) { // lines starting with ':' are comments (keep-alives)
          const [, field, value = ''] = line.match(/^([^:]*):? ?(.*)$/);
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
