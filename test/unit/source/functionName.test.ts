import assert from 'node:assert/strict';
import { parseFunctionName, parseSymbolName } from '../../../src/core/source/functionName';

describe('parseFunctionName', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['com.example.Svc.serve', 'serve', 'Svc'],
    ['github.com/my/repo/pkg.foo', 'foo', undefined],
    ['github.com/my/repo/pkg.(*T).Method', 'Method', 'T'],
    ['pkg.T.Method', 'Method', 'T'],
    ['github.com/a/b.handler.func1', 'handler', undefined],
    ['orders.service.OrderService.process', 'process', 'OrderService'],
    ['OrderService.process', 'process', 'OrderService'],
    ['MyApp.Services.OrderService.Process', 'Process', 'OrderService'],
    ['MyApp.Svc.<ProcessAsync>d__5.MoveNext', 'ProcessAsync', 'Svc'],
    ['com.x.Svc$Inner.lambda$serve$0', 'serve', 'Inner'],
    ['mod.Outer.m.<locals>.inner', 'inner', 'm'],
    ['async Foo.bar', 'bar', 'Foo'],
    ['App\\Http\\OrderController::index', 'index', 'OrderController'],
    ['serve', 'serve', undefined],
  ];
  for (const [input, simple, container] of cases) {
    it(`splits ${input}`, () => {
      const p = parseFunctionName(input);
      assert.equal(p.simple, simple);
      assert.equal(p.container, container);
    });
  }

  it('keeps the Go import path', () => {
    assert.equal(parseFunctionName('github.com/my/repo/pkg.(*T).Method').goPackagePath, 'github.com/my/repo/pkg');
  });

  it('maps constructors to the class name or constructor', () => {
    const java = parseFunctionName('com.x.Svc.<init>');
    assert.equal(java.simple, 'Svc');
    assert.equal(java.constructor, true);
    assert.equal(parseFunctionName('MyApp.Svc..ctor').simple, 'Svc');
    const js = parseFunctionName('new Checkout');
    assert.equal(js.simple, 'constructor');
    assert.equal(js.container, 'Checkout');
  });

  it('qualifies old-style names with code.namespace without doubling a qualified one', () => {
    const old = parseFunctionName('serve', 'com.example.Svc');
    const current = parseFunctionName('com.example.Svc.serve', 'com.example.Svc');
    assert.deepEqual(old, current);
    assert.deepEqual(old.qualifier, ['com', 'example']);
  });

  it('survives hostile input', () => {
    const p = parseFunctionName('('.repeat(10_000) + 'x');
    assert.equal(typeof p.simple, 'string');
    assert.equal(parseFunctionName('').simple, '');
  });
});

describe('parseSymbolName', () => {
  it('reads language-server spellings', () => {
    assert.deepEqual(parseSymbolName('serve(String) : void'), { simple: 'serve' });
    assert.deepEqual(parseSymbolName('(*Server).Serve'), { simple: 'Serve', receiver: 'Server' });
    assert.deepEqual(parseSymbolName('Process(int)'), { simple: 'Process' });
    assert.deepEqual(parseSymbolName('get total'), { simple: 'total' });
    assert.deepEqual(parseSymbolName('handle_order'), { simple: 'handle_order' });
  });
});
