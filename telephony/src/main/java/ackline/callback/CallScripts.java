package ackline.callback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The questions an agent asks on a call-back (R-CB-5: prepare the questions first; R-CB-7: the account call-back
 * script covers at least identity, account changes, whether staff operated the account, risk disclosure and
 * discretionary trading). Built in per type; a task may name another script by id.
 */
public final class CallScripts {

	private final Map<String, Script> scripts = new LinkedHashMap<>();

	public CallScripts() {
		Question identity = q("identity", "已核实客户本人身份（姓名、证件号后四位）", "Client's identity verified (name, last 4 ID digits)", true);
		Question risk = q("riskDisclosed", "已向客户揭示融资融券业务风险", "Margin-trading risks disclosed to the client", true);
		Question notOperated = q("notOperatedByStaff", "客户确认账户未由工作人员代为操作", "Client confirms no staff operated the account", true);
		Question noDiscretion = q("noDiscretionaryTrading", "客户确认不存在全权委托交易", "Client confirms no discretionary trading", true);
		Question changes = q("accountChangesConfirmed", "客户确认近期账户变更为本人所为", "Client confirms recent account changes", true);
		add(new Script("new-account", "新开信用账户回访", "New margin account call-back",
				List.of(identity, changes, risk, notOperated, noDiscretion,
						q("contractUnderstood", "客户了解合同主要条款（保证金比例、平仓线）", "Client understands key terms (margin ratio, liquidation line)", true))));
		add(new Script("application-received", "融资融券申请回访", "Margin application call-back",
				List.of(identity, q("applicationConfirmed", "客户确认本人提交了申请", "Client confirms submitting the application", true), risk)));
		add(new Script("margin-call-followup", "追加担保物通知跟进", "Margin call follow-up",
				List.of(identity, q("noticeReceived", "客户确认已收到追保通知", "Client confirms receiving the margin call", true),
						q("planToTopUp", "客户追加担保物或减仓的安排", "Client's plan to top up or reduce positions", true),
						q("liquidationRiskExplained", "已告知未按时补足将被强制平仓", "Forced liquidation explained", true))));
		add(new Script("forced-liquidation-ack", "强制平仓通知确认", "Forced liquidation acknowledgement",
				List.of(identity, q("liquidationNoticeReceived", "客户确认已知悉强制平仓", "Client acknowledges the forced liquidation", true))));
		add(new Script("complaint-followup", "投诉回访", "Complaint follow-up",
				List.of(identity, q("resolutionAccepted", "客户对处理结果是否满意", "Client satisfied with the resolution", true),
						q("furtherRequests", "客户其他诉求", "Further requests", false))));
		add(new Script("routine-monthly", "月度例行回访", "Routine monthly call-back",
				List.of(identity, q("situationChanged", "客户资产或联系方式是否有变化", "Changes in assets or contact details", true), risk)));
		add(new Script("abnormal-trade", "异常交易确认", "Abnormal trade confirmation",
				List.of(identity, q("tradeConfirmed", "客户确认交易为本人操作", "Client confirms placing the trades", true), notOperated)));
		add(new Script("quality-sample", "质量抽样回访", "Quality sample call-back",
				List.of(identity, changes, notOperated, risk, noDiscretion,
						q("serviceSatisfaction", "客户对服务人员的评价", "Client's view of the service", false))));
	}

	private void add(Script script) {
		scripts.put(script.id(), script);
	}

	private static Question q(String id, String zh, String en, boolean required) {
		return new Question(id, zh, en, required);
	}

	/** The script by id, or null. */
	public Script byId(String id) {
		return scripts.get(id);
	}

	/** The built-in script for a type. */
	public Script forType(CallbackType type) {
		return scripts.get(type.name().toLowerCase().replace('_', '-'));
	}

	public List<Script> all() {
		return List.copyOf(scripts.values());
	}

	/** A script: its questions in the order asked. */
	public record Script(String id, String titleZh, String titleEn, List<Question> questions) {
	}

	/** One question; a required question must be answered before the task can be completed. */
	public record Question(String id, String textZh, String textEn, boolean required) {
	}

}
