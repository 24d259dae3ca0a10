"""Every Slack id the app binds or renders, defined once (manifest.yml must agree)."""

GOAL_COMMAND = "/goal"

# Summary card (goal conversation)
ACTION_CONFIRM = "goal_confirm"
ACTION_EDIT = "goal_edit"
ACTION_CANCEL = "goal_cancel"
ACTION_CHOICE = "goal_choice"

# Check-in message buttons
ACTION_CHECKIN_UPDATE = "checkin_update"
ACTION_CHECKIN_ON_TRACK = "checkin_on_track"
ACTION_CHECKIN_AT_RISK = "checkin_at_risk"
ACTION_CHECKIN_BLOCKED = "checkin_blocked"
ACTION_CHECKIN_SKIP = "checkin_skip"

# Review at deadline / quarter end
ACTION_REVIEW_ACHIEVED = "review_achieved"
ACTION_REVIEW_EXTEND = "review_extend"
ACTION_REVIEW_ADJUST = "review_adjust"

# App Home
ACTION_HOME_NEW_GOAL = "home_new_goal"
ACTION_HOME_CHECKIN = "home_checkin"
ACTION_HOME_EDIT = "home_edit"

# Modals
VIEW_CHECKIN = "checkin_modal"
VIEW_EDIT_GOAL = "edit_goal_modal"
BLOCK_CHECKIN_VALUE = "checkin_value"
BLOCK_CHECKIN_NOTE = "checkin_note"
INPUT_CHECKIN_VALUE = "checkin_value_input"
INPUT_CHECKIN_NOTE = "checkin_note_input"
BLOCK_EDIT_FIELD = "edit_field"
BLOCK_EDIT_VALUE = "edit_value"
BLOCK_EDIT_REASON = "edit_reason"
INPUT_EDIT_FIELD = "edit_field_input"
INPUT_EDIT_VALUE = "edit_value_input"
INPUT_EDIT_REASON = "edit_reason_input"
