"""The English of every message the program itself shows a person, by message id.

The one catalog of the program's own words: interview screens, prompts, hints and the
messages that say how to type an answer. Other languages translate these ids in
``src/screening/locales/LANG.yaml``; ``screening check`` holds each translation to the English
here (same ids, same {placeholders}, and a hash of the English it was made from). What the
questionnaire says lives in the questionnaire and its own translations, not here.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # The language as its speakers name it, on the language screen.
    "language_name": "English",
    # How a number with a fraction is written: 2.5 (English) or 2,5 (Spanish).
    "decimal_mark": ".",
    # --- The interview's screens (core/interview.py) ---
    "opening": """\
About this form

This form asks about your pain and your health. It takes about 10 minutes.
It is not a medical test, and it does not decide anything about your care.
Your answers go to the doctor or nurse you will see, to help plan your visit.
You can skip any question. Only how long you have had the pain is needed.
You can check and change your answers at the end.
To stop at any time, hold down the Ctrl key and press C. Your answers so far are kept.""",
    "thanks": """\
Thank you. You have finished the form.

Please let the front desk know that you are done.
Your answers will go to the doctor or nurse before your visit.""",
    "skip_choice": "Skip this question",
    "pick_at_least_one": "Pick at least one.",
    "needs_answer": "This question needs an answer.",
    # --- How to skip, under each kind of question ---
    "skip_typed": "To skip, press Enter.",
    "skip_one": "To skip, pick the last choice.",
    "skip_many": "To skip, pick none and press Enter.",
    # --- How to type an answer (core/questions.py) ---
    "enter_text": "Enter text.",
    "unreadable": "Some characters could not be read. Please use letters and numbers.",
    "text_too_long": "Keep it to {max} characters or fewer.",
    "enter_number": "Enter {number}.",
    "type_number": "Type {number}.",
    "a_number": "a number",
    "a_number_from_to": "a number from {low} to {high}",
    "a_number_at_least": "a number of at least {low}",
    "a_number_at_most": "a number of at most {high}",
    "a_whole_number": "a whole number",
    "a_whole_number_from_to": "a whole number from {low} to {high}",
    "a_whole_number_at_least": "a whole number of at least {low}",
    "a_whole_number_at_most": "a whole number of at most {high}",
    "number_and_unit": "Type a number and {units}, {like}.",
    "add_unit": "Add {units}, {like}.",
    "use_unit": "Use {units}, {like}.",
    "or_list": "{items} or {last}",
    "like": "like '{first}' or '{second}'",
    "like_hint": "(like {first} or {second})",
    "range_hint": "({low} to {high})",
    "range_hint_unit": "({low} to {high} {unit})",
    "about": "(about {amount})",
    "enter_date": "Enter a date as YYYY-MM-DD.",
    "enter_date_between": "Enter a date as YYYY-MM-DD, not before {earliest} and not after "
    "{latest}.",
    "enter_date_from": "Enter a date as YYYY-MM-DD, not before {earliest}.",
    "enter_date_until": "Enter a date as YYYY-MM-DD, not after {latest}.",
    "date_hint": "(YYYY-MM-DD)",
    "age": "{date} (age {years})",
    "enter_time": "Enter a time as HH:MM on the 24-hour clock, like 09:30.",
    "time_hint": "(HH:MM, 24-hour clock)",
    "not_together": "'{choice}' cannot be chosen together with other answers",
    # --- The interview at a terminal (adapters/terminal.py) ---
    "progress": "Question {n} of {total}",
    "ready": "Ready to start?",
    "check_answers": "Please check your answers.",
    "pick_to_change": "Pick an answer to change it, or finish:",
    "finish_row": "Everything is right. Finish.",
    "skipped": "(skipped)",
    # Before a review row's answer cut to fit, when it names more than one choice.
    "n_picked": "You picked {n}:",
    "finish_staff": "Finish and write the summary?",
    "finish_patient": "Finish and send your answers?",
    "stop_now": "Stop now? Your answers so far are kept.",
    # --- Prompts (adapters/prompts.py) ---
    "select_instruction": "(arrow keys, then Enter)",
    "checkbox_instruction": "(Space to pick, Enter when done)",
    "none_picked": "(none)",
    "yes": "Yes",
    "no": "No",
    # The keys that answer yes or no at once, and the words typed in plain mode.
    "yes_keys": "y",
    "no_keys": "n",
    "yes_words": "y, yes",
    "no_words": "n, no",
    "yes_no_hint": "(Y/n)",
    "no_yes_hint": "(y/N)",
    "type_y_or_n": "Type y for yes or n for no.",
    "type_a_number": "Type a number and press Enter:",
    "enter_picks_this": "(Enter alone picks this)",
    "number_from_1": "Type a number from 1 to {n}.",
    "picked": "(picked)",
    "type_numbers": "Type the numbers that fit, with commas between them (like 1, 3). "
    "Press Enter alone for none:",
    "numbers_from_1": "Use numbers from 1 to {n}, like 1, 3.",
    "picked_line": "Picked: {items}",
    "nothing": "none",
    "line_too_long": "That line is longer than {n} characters.",
    # --- Starting, stopping and going on (app/interview.py) ---
    "not_a_terminal": "Standard input is not a terminal: the questions come one line at a time.",
    "continuing_patient": "Continuing record {id} in patient mode where the interview stopped. "
    "{n} answers kept.",
    "continuing_staff": "Continuing record {id}{names} in staff mode where the interview "
    "stopped. {n} answers kept.",
    "changing": "Changing record {id}{names}. Every change is kept in its history "
    "(screening records history {id}).",
    "reference": "Reference: {id}",
    "stopped_unsaved": "Stopped before the first answer; nothing was saved.",
    # Why an interview stopped, then what was kept and how to go on.
    "why_stopped": "Stopped",
    "why_ended": "Input ended",
    "why_refused": "The interview stopped there",
    "saved_resume": "{why}. The answers so far are saved as record {id}\n"
    "To continue: screening interview --resume {id}",
    "saved_changes": "{why}. Every change so far is saved in record {id}.",
    # --- The kiosk: what a patient reads there (adapters/kiosk.py, app/kiosk.py) ---
    "kiosk_start": "Press Enter to start.",
    "kiosk_start_choice": "Start the form",
    # The start screen when the form comes in more than one language: one choice each.
    "kiosk_pick_language": "Pick a language, then press Enter.",
    "kiosk_stop": "Stop and hand back to the front desk?",
    "kiosk_still_there": "Are you still there?",
    "kiosk_go_on": "Yes. Go on with the form.",
    "kiosk_close": "No. Close this form.",
    "kiosk_code": "Your code for the front desk is {code}. Please read it out to them.",
    "kiosk_stopped": "You stopped the form. Your answers so far are kept.\n"
    "Please go to the front desk.",
    "kiosk_not_saved_yet": "Please tell the front desk that the form cannot save right now.\n"
    "Your answers are kept here. You can go on.",
    "kiosk_saving": "Please tell the front desk that the form cannot save right now.\n"
    "Your answers are kept here. Please wait.",
    "kiosk_closed_at_desk": "This form was closed at the front desk. Please go to the front desk.",
    "kiosk_done": "Press Enter when you are done.",
    "kiosk_done_choice": "Done",
}
