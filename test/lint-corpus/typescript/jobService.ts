import { Injectable } from '@nestjs/common';
import { trace, Tracer, SpanKind } from '@opentelemetry/api';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';

@Injectable()
export class JobService {
  private readonly tracer: Tracer = trace.getTracer('jobs');

  async process(job: { id: string; type: string; payload: unknown }, user: { id: string; phone: string }) {
    return this.tracer.startActiveSpan(`process-${job.id}`, { kind: SpanKind.CONSUMER }, async (span) => { // expect: SN001
      span.setAttributes({
        'job.type': job.type,
        'enduser.id': user.id,
        'user.phone': user.phone, // expect: SD001
      });
      span.setAttribute('job.payload', JSON.stringify(job.payload));
      span.end();
    });
  }

  handle(method: string, route: string, headers: Record<string, string>) {
    const span = this.tracer.startSpan('http.handle');
    span.updateName(`${method} ${route}`);
    span.setAttribute(ATTR_HTTP_ROUTE, route);
    span.setAttribute('http.request.header.authorization', headers.authorization); // expect: SD001 SD002
    span.setAttribute('app.retry.count', 2);
    span.end();
  }

  report(date: Date) {
    const span = this.tracer.startSpan('daily report ' + date.toISOString()); // expect: SN001
    span.end();
    const span2 = this.tracer.startSpan('daily-report');
    span2.end();
  }
}
