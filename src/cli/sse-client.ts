/**
 * Reads a Server-Sent Events stream with fetch: each frame's event name and JSON data, until the
 * server ends it or the caller has seen enough. The server's frames are one `data:` line each.
 */
export async function readEventStream(
  url: string,
  token: string,
  onFrame: (event: string, data: unknown) => 'continue' | 'stop',
): Promise<void> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (!response.ok || response.body === null) {
    const text = await response.text().catch(() => '');
    throw new Error(`the event stream answered ${response.status}: ${text.slice(0, 300)}`);
  }
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let boundary = buffer.indexOf('\n\n');
      while (boundary !== -1) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        boundary = buffer.indexOf('\n\n');
        let event = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data === '') continue; // a keep-alive comment
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch {
          continue;
        }
        if (onFrame(event, parsed) === 'stop' || event === 'end') return;
      }
    }
  } finally {
    controller.abort();
  }
}
