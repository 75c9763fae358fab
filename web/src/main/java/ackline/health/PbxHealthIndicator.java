package ackline.health;

import java.util.Map;

import ackline.call.Pbx;
import ackline.callback.CallbackQueries;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * The dialer's health ({@code /actuator/health/pbx}): DOWN while the AMI link is down (nothing can be dialled);
 * calls in flight, recordings waiting for the evidence store, and recordings missing in the last day (each one an
 * alarm: a call that should have been recorded has no recording) as details. Without a configured PBX it is UNKNOWN.
 */
@Component("pbx")
class PbxHealthIndicator extends AbstractHealthIndicator {

	private final ObjectProvider<Pbx> pbx;

	private final CallbackQueries queries;

	PbxHealthIndicator(ObjectProvider<Pbx> pbx, CallbackQueries queries) {
		super("PBX health check failed");
		this.pbx = pbx;
		this.queries = queries;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Pbx current = pbx.getIfAvailable();
		Map<String, Object> figures = queries.dialerFigures();
		if (current == null) {
			builder.unknown().withDetail("pbx", "not configured (ackline.asterisk.enabled=false)");
		}
		else if (current.isConnected()) {
			builder.up();
		}
		else {
			builder.down().withDetail("error", "AMI link is down; reconnecting");
		}
		figures.forEach(builder::withDetail);
		Object missing = figures.get("recordingsMissing24h");
		if (missing instanceof Number n && n.longValue() > 0) {
			builder.withDetail("warning", n + " call(s) without their recording in the last 24 h");
		}
	}

}
