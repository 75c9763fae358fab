package ackline.health;

import java.util.List;

import ackline.evidence.EvidenceProtection;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

class EvidenceStoreHealthIndicatorTests {

	@Test
	void aStoreThatDoesNotEnforceObjectLockSaysSoInAStatusOfItsOwn() {
		Health health = health(new EvidenceProtection(EvidenceProtection.Status.NOT_ENFORCING, "s3://b at http://s3",
				List.of("a canary under COMPLIANCE retention was deleted")));

		assertThat(health.getStatus()).isEqualTo(EvidenceStoreHealthIndicator.NOT_ENFORCING);
		assertThat(health.getStatus().getCode()).isEqualTo("NOT_ENFORCING");
		assertThat(health.getDetails()).containsEntry("protection", "NOT_ENFORCING")
			.containsEntry("findings", List.of("a canary under COMPLIANCE retention was deleted"));
	}

	@Test
	void anEnforcingStoreIsUpAndPostgreSqlToo() {
		assertThat(health(new EvidenceProtection(EvidenceProtection.Status.ENFORCING, "s3://b", List.of())).getStatus())
			.isEqualTo(Status.UP);
		assertThat(health(null).getStatus()).isEqualTo(Status.UP);
		assertThat(health(new EvidenceProtection(EvidenceProtection.Status.NOT_CHECKED, "s3://b", List.of("off")))
			.getStatus()).isEqualTo(Status.UNKNOWN);
	}

	private static Health health(EvidenceProtection protection) {
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		if (protection != null) {
			beans.addBean("evidenceProtection", protection);
		}
		return new EvidenceStoreHealthIndicator(beans.getBeanProvider(EvidenceProtection.class)).health(true);
	}

}
