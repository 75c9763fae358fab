package ackline.callback;

import java.nio.file.Path;
import java.time.Clock;

import ackline.call.Pbx;
import ackline.evidence.EvidenceStore;
import ackline.phone.PhoneNumbers;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the dialer: the PBX adapter ({@link Pbx}) comes from {@code ackline.asterisk}, or a test's own. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CallbackSettings.class)
class CallbackConfiguration {

	@Bean
	HolidayCalendar holidayCalendar(@Value("${ackline.calendar.location:}") String location, Clock clock) {
		return new HolidayCalendar(location == null || location.isBlank() ? null : Path.of(location), clock);
	}

	@Bean
	CallingWindows callingWindows(CallbackSettings settings, HolidayCalendar calendar) {
		return new CallingWindows(settings, calendar);
	}

	@Bean
	CallScripts callScripts() {
		return new CallScripts();
	}

	@Bean
	Transitions callbackTransitions(JdbcClient jdbc, ApplicationEventPublisher events, CallbackSettings settings,
			CallingWindows windows) {
		return new Transitions(jdbc, events, settings, windows);
	}

	@Bean
	CallbackIntake callbackIntake(JdbcClient jdbc, TransactionTemplate tx, CallbackSettings settings,
			CallingWindows windows, CallScripts scripts, ObjectProvider<PhoneNumbers> phones,
			ApplicationEventPublisher events, Clock clock) {
		return new CallbackIntake(jdbc, tx, settings, windows, scripts, phones.getIfAvailable(PhoneNumbers::new), events,
				clock);
	}

	@Bean
	LiveViews callbackLiveViews(JdbcClient jdbc, Clock clock) {
		return new LiveViews(jdbc, clock);
	}

	@Bean
	CallbackQueries callbackQueries(JdbcClient jdbc, PlatformTransactionManager transactions, CallScripts scripts,
			IvrPrompts prompts, Clock clock) {
		return new CallbackQueries(jdbc, transactions, scripts, prompts, clock);
	}

	@Bean
	TaskNotes taskNotes(JdbcClient jdbc, TransactionTemplate tx, ApplicationEventPublisher events, Clock clock) {
		return new TaskNotes(jdbc, tx, events, clock);
	}

	@Bean
	IvrPrompts ivrPrompts(@Value("${ackline.ivr.confirm-digit:1}") String confirmDigit,
			@Value("${ackline.ivr.attempts:3}") int attempts,
			@Value("${ackline.ivr.digit-timeout:6s}") java.time.Duration digitTimeout) {
		return new IvrPrompts(confirmDigit, attempts, digitTimeout);
	}

	@Bean(destroyMethod = "stop")
	CallTimeline callTimeline(JdbcClient jdbc, TransactionTemplate tx, Transitions transitions,
			CallbackSettings settings, IvrPrompts prompts, ApplicationEventPublisher events, Clock clock,
			@Value("${ackline.callbacks.event-threads:4}") int eventThreads) {
		return new CallTimeline(jdbc, tx, transitions, settings, prompts, events, clock, Math.max(1, eventThreads));
	}

	@Bean
	Dialer dialer(JdbcClient jdbc, TransactionTemplate tx, Transitions transitions, CallbackSettings settings,
			CallingWindows windows, CallScripts scripts, ObjectProvider<Pbx> pbx, Clock clock, MeterRegistry meters,
			@Value("${ackline.callbacks.enforce-required-answers:false}") boolean enforceRequiredAnswers) {
		return new Dialer(jdbc, tx, transitions, settings, windows, scripts, pbxOrNone(pbx), clock, meters,
				enforceRequiredAnswers);
	}

	@Bean
	IvrCalls ivrCalls(JdbcClient jdbc, TransactionTemplate tx, ObjectProvider<Pbx> pbx, CallTimeline timeline,
			CallbackSettings settings, Clock clock) {
		return new IvrCalls(jdbc, tx, pbxOrNone(pbx), timeline, settings, clock);
	}

	/** Without a PBX (ackline.asterisk.enabled=false) tasks queue and are offered, but nothing can be dialled. */
	private static Pbx pbxOrNone(ObjectProvider<Pbx> pbx) {
		return pbx.getIfAvailable(() -> NO_PBX);
	}

	private static final Pbx NO_PBX = new Pbx() {

		@Override
		public void dialForAgent(ackline.call.AgentDial dial) {
			throw new ackline.call.PbxUnavailableException("no PBX is configured (ackline.asterisk.enabled=false)", null);
		}

		@Override
		public void dialIvr(ackline.call.IvrDial dial) {
			throw new ackline.call.PbxUnavailableException("no PBX is configured (ackline.asterisk.enabled=false)", null);
		}

		@Override
		public void hangup(java.util.UUID callId) {
		}

		@Override
		public java.util.Set<java.util.UUID> activeCalls() {
			throw new ackline.call.PbxUnavailableException("no PBX is configured", null);
		}

		@Override
		public boolean isConnected() {
			return false;
		}

	};

	@Bean
	RecordingCollector recordingCollector(JdbcClient jdbc, TransactionTemplate tx, EvidenceStore evidence,
			@Value("${ackline.asterisk.recordings-dir:/var/spool/asterisk/monitor}") String spool,
			CallbackSettings settings, ApplicationEventPublisher events, Clock clock, MeterRegistry meters) {
		return new RecordingCollector(jdbc, tx, evidence, Path.of(spool), settings, events, clock, meters);
	}

	@Bean
	DialerReconciler dialerReconciler(JdbcClient jdbc, TransactionTemplate tx, CallTimeline timeline,
			Transitions transitions, ObjectProvider<Pbx> pbx, CallbackSettings settings, Clock clock) {
		return new DialerReconciler(jdbc, tx, timeline, transitions, pbxOrNone(pbx), settings, clock);
	}

	@Bean(destroyMethod = "stop")
	ProgressiveDialer progressiveDialer(Dialer dialer, JdbcClient jdbc, CallTimeline timeline,
			DialerReconciler reconciler, @Value("${ackline.callbacks.progressive-threads:4}") int threads) {
		ProgressiveDialer progressive = new ProgressiveDialer(dialer, jdbc, threads);
		dialer.onAgentAvailable(progressive::kick);
		timeline.onAgentAvailable(progressive::kick);
		reconciler.onAgentAvailable(progressive::kick);
		timeline.onConnected(() -> new Thread(reconciler::reconcile, "dialer-reconcile").start());
		return progressive;
	}

	@Bean
	DialerSchedule dialerSchedule(RecordingCollector recordings, DialerReconciler reconciler,
			ProgressiveDialer progressive) {
		return new DialerSchedule(recordings, reconciler, progressive);
	}

	/** The dialer's periodic work, on every node. */
	static final class DialerSchedule {

		private final RecordingCollector recordings;

		private final DialerReconciler reconciler;

		private final ProgressiveDialer progressive;

		DialerSchedule(RecordingCollector recordings, DialerReconciler reconciler, ProgressiveDialer progressive) {
			this.recordings = recordings;
			this.reconciler = reconciler;
			this.progressive = progressive;
		}

		@Scheduled(fixedDelayString = "${ackline.callbacks.recordings-interval:1s}", initialDelayString = "1s")
		void collectRecordings() {
			recordings.collect();
		}

		@Scheduled(fixedDelayString = "${ackline.callbacks.reconcile-interval:10s}", initialDelayString = "5s")
		void reconcile() {
			reconciler.reconcile();
		}

		@Scheduled(fixedDelayString = "${ackline.callbacks.progressive-interval:2s}", initialDelayString = "2s")
		void sweep() {
			progressive.sweep();
		}

	}

}
