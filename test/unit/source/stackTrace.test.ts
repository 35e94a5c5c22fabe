import assert from 'node:assert/strict';
import { isLibraryFrame, parseStackTrace, parseStackTraceLines, topUserFrame } from '../../../src/core/source/stackTrace';

const JAVA = `java.lang.IllegalStateException: boom
\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)
\tat com.example.orders.OrderService.lambda$process$0(OrderService.java:42)
\tat app//com.example.orders.OrderController.handle(OrderController.kt:17)
\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883)
\t... 3 more`;

const PYTHON = `Traceback (most recent call last):
  File "/usr/lib/python3.12/site-packages/flask/app.py", line 880, in full_dispatch_request
    rv = self.dispatch_request()
  File "/app/src/orders/service.py", line 42, in process
    charge(order)
  File "/app/src/orders/payment.py", line 7, in charge
    raise ValueError("declined")
ValueError: declined`;

const NODE = `Error: boom
    at Object.<anonymous> (node:internal/x:1:1)
    at async OrderService.process (/app/src/orders/service.js:42:13)
    at new Checkout (file:///app/src/checkout.mjs:3:5)
    at /app/src/index.js:10:2
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;

const GO = `goroutine 1 [running]:
runtime/debug.Stack()
\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e
go.opentelemetry.io/otel/sdk/trace.recordStackTrace(...)
\t/root/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.24.0/trace/span.go:550 +0x1d
github.com/my/repo/pkg.(*T).Method(0xc000010000, {0x1, 0x2})
\t/home/u/repo/pkg/t.go:30 +0x25
main.main()
\t/home/u/repo/main.go:12 +0x1d`;

const DOTNET = `System.InvalidOperationException: boom
   at System.Linq.ThrowHelper.ThrowNoElementsException()
   at MyApp.Services.OrderService.ProcessAsync(Int32 id) in C:\\src\\MyApp\\Services\\OrderService.cs:line 42
--- End of stack trace from previous location ---
   at MyApp.Controllers.OrdersController.Post(Order o) in /src/MyApp/Controllers/OrdersController.cs:line 17`;

describe('stack traces', () => {
  it('Java: top user frame skips JDK and framework frames and builds a package path', () => {
    const f = topUserFrame(parseStackTrace(JAVA));
    assert.deepEqual(f, { language: 'java', functionName: 'com.example.orders.OrderService.lambda$process$0', filePath: 'com/example/orders/OrderService.java', lineNumber: 42 });
  });

  it('Python: innermost frame first (the traceback prints it last), site-packages skipped', () => {
    const frames = parseStackTrace(PYTHON);
    assert.equal(frames[0].filePath, '/app/src/orders/payment.py');
    assert.equal(frames.at(-1)?.filePath, '/usr/lib/python3.12/site-packages/flask/app.py');
    const f = topUserFrame(frames);
    assert.equal(f?.functionName, 'charge');
    assert.equal(f?.lineNumber, 7);
  });

  it('Node: async and constructor frames, node internals skipped', () => {
    const frames = parseStackTrace(NODE);
    const f = topUserFrame(frames);
    assert.deepEqual(f, { language: 'node', filePath: '/app/src/orders/service.js', lineNumber: 42, columnNumber: 13, functionName: 'OrderService.process' });
    assert.equal(frames.find((x) => x.filePath === 'file:///app/src/checkout.mjs')?.functionName, 'Checkout.constructor');
    assert.equal(frames.find((x) => x.filePath === '/app/src/index.js')?.functionName, undefined);
  });

  it('Go: runtime and module-cache frames skipped, receiver kept, arguments dropped', () => {
    const f = topUserFrame(parseStackTrace(GO));
    assert.deepEqual(f, { language: 'go', filePath: '/home/u/repo/pkg/t.go', lineNumber: 30, functionName: 'github.com/my/repo/pkg.(*T).Method' });
  });

  it('.NET: System frames skipped, file and line read', () => {
    const f = topUserFrame(parseStackTrace(DOTNET));
    assert.deepEqual(f, { language: 'dotnet', functionName: 'MyApp.Services.OrderService.ProcessAsync', filePath: 'C:\\src\\MyApp\\Services\\OrderService.cs', lineNumber: 42 });
  });

  it('Ruby: gem frames skipped', () => {
    const ruby = "/usr/local/bundle/gems/rack-3.0.8/lib/rack/builder.rb:12:in `call'\napp/services/pay.rb:5:in `charge'";
    assert.deepEqual(topUserFrame(parseStackTrace(ruby)), { language: 'ruby', filePath: 'app/services/pay.rb', lineNumber: 5, functionName: 'charge' });
  });

  it('lists every printed line in order, each with the frame it names, for the span detail', () => {
    const lines = parseStackTraceLines(PYTHON);
    assert.equal(lines.length, PYTHON.split('\n').length);
    assert.equal(lines[0].text, 'Traceback (most recent call last):');
    assert.equal(lines[0].frame, undefined);
    assert.deepEqual(lines[3].frame, topUserFrame(parseStackTrace(PYTHON), (f) => f.filePath?.endsWith('service.py') === true));
    const go = parseStackTraceLines(GO);
    assert.equal(go.length, 5, 'a Go frame is its two lines');
    assert.equal(go[3].frame?.functionName, 'github.com/my/repo/pkg.(*T).Method');
  });

  it('honours a caller predicate for user frames', () => {
    const f = topUserFrame(parseStackTrace(PYTHON), (fr) => fr.filePath?.endsWith('service.py') === true);
    assert.equal(f?.functionName, 'process');
  });

  it('classifies library frames', () => {
    assert.equal(isLibraryFrame({ language: 'node', filePath: '/app/node_modules/express/lib/router.js', lineNumber: 1 }), true);
    assert.equal(isLibraryFrame({ language: 'java', functionName: 'io.opentelemetry.sdk.Foo.bar' }), true);
    assert.equal(isLibraryFrame({ language: 'python', filePath: '/app/src/x.py' }), false);
  });

  it('returns nothing for text that is not a stack trace, and caps hostile input', () => {
    assert.deepEqual(parseStackTrace('just a message'), []);
    const huge = '    at f (/a.js:1:1)\n'.repeat(100_000);
    assert.ok(parseStackTrace(huge).length <= 256);
  });
});
