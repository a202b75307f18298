/**
 * A guard in front of the stdio message reader. vscode-jsonrpc's reader stops reading a chunk at
 * a header block without a usable `Content-Length` (the messages after it wait for more input
 * that may never come), and after a wrong length it is out of step with the stream for good.
 * This transform passes on only well-framed messages, `Content-Length: N\r\n\r\n<N bytes>`: it
 * drops a header block without a length, and finds its footing again at the next
 * `Content-Length:` when a length was wrong. Bodies are passed as they are (a body that is not
 * JSON is reported and skipped by the reader itself).
 */
import { Transform, type TransformCallback } from "node:stream";

const HEADER_END = Buffer.from("\r\n\r\n");
/** A header block longer than this is not one: drop it. */
const MAX_HEADER = 8 * 1024;
/** A body longer than this is a wrong length, not a message (a 5 MB document is far below it). */
const MAX_BODY = 256 * 1024 * 1024;
const LENGTH = /content-length[ \t]*:[ \t]*(\d+)[ \t]*$/gim;

export class FramingGuard extends Transform {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly report: (problem: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.drain();
    done();
  }

  private drain(): void {
    for (;;) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER) this.skip(this.buffer.length - 3, "a header longer than 8 KiB");
        return;
      }
      const length = lastLength(this.buffer.subarray(0, end).toString("latin1"));
      if (length === undefined || length > MAX_BODY) {
        this.skip(end + HEADER_END.length, length === undefined ? "a header without a usable Content-Length" : `a Content-Length of ${length}`);
        continue;
      }
      const start = end + HEADER_END.length;
      if (this.buffer.length < start + length) return;
      this.push(Buffer.concat([Buffer.from(`Content-Length: ${length}\r\n\r\n`, "ascii"), this.buffer.subarray(start, start + length)]));
      this.buffer = this.buffer.subarray(start + length);
    }
  }

  private skip(bytes: number, why: string): void {
    this.report(`wsp-lsp: skipped ${bytes} bytes of input: ${why}`);
    this.buffer = this.buffer.subarray(bytes);
  }
}

/** The last `Content-Length` in a header block (after garbage from a wrong length, the real header is last). */
function lastLength(header: string): number | undefined {
  let found: number | undefined;
  for (const m of header.matchAll(LENGTH)) found = Number(m[1]);
  return found !== undefined && Number.isSafeInteger(found) ? found : undefined;
}
