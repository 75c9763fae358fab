package ackline.notice;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the notice hub behaves; every number is a default a deployment may change (DOMAIN.md).
 *
 * @param defaultLanguage language of templates when a notice names none
 * @param firmNameZh the firm's name in Chinese, signed on every message (【…】)
 * @param firmNameEn the firm's name in English
 * @param mailFrom the address notices are sent from and replies read for
 * @param ackWords replies that acknowledge a notice (compared after NFKC normalisation, case-insensitive)
 * @param optOutWords replies that opt the sender out (STOP, 退订 …)
 * @param regulatoryTypes notice types sent even to clients who opted out (R-MSG-2)
 * @param linkValidity how long an acknowledgement link lives when the notice has no deadline
 * @param replyMatchWindow how far back an SMS reply looks for an open notice
 * @param maxTries attempts per channel before the channel is FAILED
 * @param retryInitialInterval first back-off after a retryable error
 * @param retryMaxInterval longest back-off
 * @param requeueAfter a due attempt whose queue entry is older than this is queued again
 * @param sendingLease an attempt claimed longer ago than this is presumed lost with its worker
 * @param reconcileInterval how often the reconciler runs
 * @param smsWorkers threads sending SMS on each node
 * @param emailWorkers threads sending email on each node
 * @param maxBatch most notices in one batch request
 * @param statusPollAfter an SMS with no final delivery report this long after the provider took it is asked about
 * @param statusPollFor how long after sending such questions are still asked
 */
@ConfigurationProperties("ackline.notices")
public record NoticeSettings(
		@DefaultValue("zh-CN") String defaultLanguage,
		@DefaultValue("示例证券") String firmNameZh,
		@DefaultValue("Example Securities") String firmNameEn,
		@DefaultValue("notices@ackline.local") String mailFrom,
		@DefaultValue({ "1", "Y", "YES", "OK", "确认", "收到", "已收到", "知道了", "好", "好的", "已知晓", "知晓", "明白",
				"确认收到", "已确认", "知悉", "已知悉" }) List<String> ackWords,
		@DefaultValue({ "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "TD", "退订", "取消订阅" }) List<String> optOutWords,
		@DefaultValue({ "MARGIN_CALL", "FORCED_LIQUIDATION", "MAJOR_EVENT", "RISK_DISCLOSURE" }) Set<NoticeType> regulatoryTypes,
		@DefaultValue("7d") Duration linkValidity,
		@DefaultValue("30d") Duration replyMatchWindow,
		@DefaultValue("6") int maxTries,
		@DefaultValue("5s") Duration retryInitialInterval,
		@DefaultValue("10m") Duration retryMaxInterval,
		@DefaultValue("60s") Duration requeueAfter,
		@DefaultValue("2m") Duration sendingLease,
		@DefaultValue("2s") Duration reconcileInterval,
		@DefaultValue("16") int smsWorkers,
		@DefaultValue("4") int emailWorkers,
		@DefaultValue("10000") int maxBatch,
		@DefaultValue("10m") Duration statusPollAfter,
		@DefaultValue("3d") Duration statusPollFor) {

}
