package ackline.evidence.jdbc;

import java.time.Clock;

import ackline.evidence.EvidenceStore;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the PostgreSQL-backed evidence store unless another {@link EvidenceStore} is configured. */
@Configuration(proxyBeanMethods = false)
class EvidenceStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean(EvidenceStore.class)
	EvidenceStore jdbcEvidenceStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, Clock clock) {
		return new JdbcEvidenceStore(jdbc, jdbcTemplate, clock);
	}

}
