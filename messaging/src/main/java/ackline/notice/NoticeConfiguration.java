package ackline.notice;

import java.time.Clock;

import ackline.evidence.EvidenceStore;
import ackline.phone.PhoneNumbers;
import ackline.queue.WorkQueue;
import ackline.ratelimit.RedisRateLimiter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the notice hub. The SMS and mail gateways are optional: a channel without one is not sent. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ NoticeSettings.class, SmsSettings.class, PublicAddress.class })
class NoticeConfiguration {

	@Bean
	NoticeTemplates noticeTemplates() {
		return new NoticeTemplates();
	}

	@Bean
	PhoneNumbers phoneNumbers() {
		return new PhoneNumbers();
	}

	@Bean
	NoticeStore noticeStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, ApplicationEventPublisher events) {
		return new NoticeStore(jdbc, jdbcTemplate, events);
	}

	@Bean
	NoticeIntake noticeIntake(JdbcClient jdbc, JdbcTemplate jdbcTemplate, TransactionTemplate tx, NoticeStore store,
			WorkQueue queue, NoticeTemplates templates, NoticeSettings settings, PublicAddress publicAddress,
			PhoneNumbers phones, Clock clock, MeterRegistry meters) {
		return new NoticeIntake(jdbc, jdbcTemplate, tx, store, queue, templates, settings, publicAddress, phones, clock, meters);
	}

	@Bean
	NoticeDispatcher noticeDispatcher(WorkQueue queue, NoticeStore store, TransactionTemplate tx,
			ObjectProvider<SmsGateway> sms, ObjectProvider<MailGateway> mail, EvidenceStore evidence,
			RedisRateLimiter smsRateLimiter, NoticeSettings settings, PublicAddress publicAddress, Clock clock,
			MeterRegistry meters) {
		return new NoticeDispatcher(queue, store, tx, sms.getIfAvailable(), mail.getIfAvailable(), evidence,
				smsRateLimiter, settings, publicAddress, clock, meters);
	}

	@Bean
	NoticeReconciler noticeReconciler(JdbcClient jdbc, TransactionTemplate tx, WorkQueue queue, NoticeStore store,
			NoticeDispatcher dispatcher, ObjectProvider<SmsGateway> sms, NoticeSettings settings, Clock clock,
			ApplicationEventPublisher events, DeliveryReports deliveryReports) {
		return new NoticeReconciler(jdbc, tx, queue, store, dispatcher, sms.getIfAvailable(), settings, clock, events,
				deliveryReports);
	}

	@Bean
	DeliveryReports deliveryReports(JdbcClient jdbc, TransactionTemplate tx, NoticeStore store, EvidenceStore evidence,
			Clock clock, MeterRegistry meters) {
		return new DeliveryReports(jdbc, tx, store, evidence, clock, meters);
	}

	@Bean
	Acknowledgements acknowledgements(JdbcClient jdbc, ApplicationEventPublisher events) {
		return new Acknowledgements(jdbc, events);
	}

	@Bean
	Replies replies(JdbcClient jdbc, TransactionTemplate tx, EvidenceStore evidence, Acknowledgements acknowledgements,
			NoticeStore store, PhoneNumbers phones, NoticeSettings settings, Clock clock,
			ApplicationEventPublisher events, MeterRegistry meters) {
		return new Replies(jdbc, tx, evidence, acknowledgements, store, phones, settings, clock, events, meters);
	}

	@Bean
	AckLinks ackLinks(JdbcClient jdbc, TransactionTemplate tx, EvidenceStore evidence, Acknowledgements acknowledgements,
			NoticeStore store, Clock clock) {
		return new AckLinks(jdbc, tx, evidence, acknowledgements, store, clock);
	}

	@Bean
	NoticeEscalations noticeEscalations(JdbcClient jdbc, TransactionTemplate tx, NoticeStore store,
			Acknowledgements acknowledgements, EvidenceStore evidence) {
		return new NoticeEscalations(jdbc, tx, store, acknowledgements, evidence);
	}

	@Bean
	NoticeViews noticeViews(JdbcClient jdbc, Clock clock) {
		return new NoticeViews(jdbc, clock);
	}

	@Bean
	NoticeQueries noticeQueries(JdbcClient jdbc, EvidenceStore evidence,
			org.springframework.transaction.PlatformTransactionManager transactions) {
		return new NoticeQueries(jdbc, evidence, transactions);
	}

}
