<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
<context>
    <name>ComposePage</name>
    <message>
        <source>New message</source>
        <translation>New message</translation>
    </message>
    <message>
        <source>1. Recipients</source>
        <translation>1. Recipients</translation>
    </message>
    <message>
        <source>A room</source>
        <translation>A room</translation>
    </message>
    <message>
        <source>One person</source>
        <translation>One person</translation>
    </message>
    <message>
        <source>Choose a room</source>
        <translation>Choose a room</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Room</translation>
    </message>
    <message>
        <source>Choose a person</source>
        <translation>Choose a person</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>2. The young person</source>
        <translation>2. The young person</translation>
    </message>
    <message>
        <source>Personnummer or samordningsnummer</source>
        <translation>Personnummer or samordningsnummer</translation>
    </message>
    <message>
        <source>YYYYMMDD-NNNN</source>
        <translation>YYYYMMDD-NNNN</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>Personnummer (hidden). Change</source>
        <translation>Personnummer (hidden). Change</translation>
    </message>
    <message>
        <source>3. Provision (lagrum)</source>
        <translation>3. Provision (lagrum)</translation>
    </message>
    <message>
        <source>Choose a provision</source>
        <translation>Choose a provision</translation>
    </message>
    <message>
        <source>Provision</source>
        <translation>Provision</translation>
    </message>
    <message>
        <source>4. Sensitive information in the message</source>
        <translation>4. Sensitive information in the message</translation>
    </message>
    <message>
        <source>5. Message</source>
        <translation>5. Message</translation>
    </message>
    <message>
        <source>Write only what the recipient needs.</source>
        <translation>Write only what the recipient needs.</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>Message text</translation>
    </message>
    <message>
        <source>Still to answer:</source>
        <translation>Still to answer:</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>Yes: %1</source>
        <translation>Yes: %1</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <source>No: %1</source>
        <translation>No: %1</translation>
    </message>
    <message>
        <source>(not answered)</source>
        <translation>(not answered)</translation>
    </message>
    <message>
        <source>Choose</source>
        <translation>Choose</translation>
    </message>
</context>
<context>
    <name>ConversationsPage</name>
    <message>
        <source>New message</source>
        <translation>New message</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Conversations</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) in the outbox</source>
        <translation>
            <numerusform>%n message in the outbox</numerusform>
            <numerusform>%n messages in the outbox</numerusform>
        </translation>
    </message>
    <message>
        <source>No conversations yet. Someone adds you to a room, or you start one with New message.</source>
        <translation>No conversations yet. Someone adds you to a room, or you start one with New message.</translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n unread</numerusform>
            <numerusform>%n unread</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n queued</numerusform>
            <numerusform>%n queued</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose a conversation</source>
        <translation>Choose a conversation</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>Flagged:</source>
        <translation>Flagged:</translation>
    </message>
    <message>
        <source>Direct conversation</source>
        <translation>Direct conversation</translation>
    </message>
    <message>
        <source>Legal basis: %1</source>
        <translation>Legal basis: %1</translation>
    </message>
</context>
<context>
    <name>HandoverPage</name>
    <message>
        <source>Hand over a case</source>
        <translation>Hand over a case</translation>
    </message>
    <message>
        <source>The successor, a colleague in your organisation, joins the case&apos;s rooms and receives its messages, log entries and consents in a signed bundle. You leave the rooms when the successor has verified it.</source>
        <translation>The successor, a colleague in your organisation, joins the case&apos;s rooms and receives its messages, log entries and consents in a signed bundle. You leave the rooms when the successor has verified it.</translation>
    </message>
    <message>
        <source>Step %1 of 4</source>
        <translation>Step %1 of 4</translation>
    </message>
    <message>
        <source>1. The young person</source>
        <translation>1. The young person</translation>
    </message>
    <message>
        <source>Personnummer or samordningsnummer</source>
        <translation>Personnummer or samordningsnummer</translation>
    </message>
    <message>
        <source>YYYYMMDD-NNNN</source>
        <translation>YYYYMMDD-NNNN</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>Personnummer (hidden). Change</source>
        <translation>Personnummer (hidden). Change</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>Next: choose the successor</source>
        <translation>Next: choose the successor</translation>
    </message>
    <message>
        <source>2. The successor</source>
        <translation>2. The successor</translation>
    </message>
    <message>
        <source>Young person: %1</source>
        <translation>Young person: %1</translation>
    </message>
    <message>
        <source>No colleague from your organisation shares a room with you yet.</source>
        <translation>No colleague from your organisation shares a room with you yet.</translation>
    </message>
    <message>
        <source>Choose a colleague</source>
        <translation>Choose a colleague</translation>
    </message>
    <message>
        <source>Successor</source>
        <translation>Successor</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Next: what will be handed over</source>
        <translation>Next: what will be handed over</translation>
    </message>
    <message>
        <source>3. What will be handed over</source>
        <translation>3. What will be handed over</translation>
    </message>
    <message>
        <source>Successor: %1</source>
        <translation>Successor: %1</translation>
    </message>
    <message>
        <source>Rooms the successor joins: %1</source>
        <translation>Rooms the successor joins: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>Direct conversations (history only): %1</source>
        <translation>Direct conversations (history only): %1</translation>
    </message>
    <message>
        <source>Messages: %1</source>
        <translation>Messages: %1</translation>
    </message>
    <message>
        <source>Disclosure log entries: %1</source>
        <translation>Disclosure log entries: %1</translation>
    </message>
    <message>
        <source>Consents: %1</source>
        <translation>Consents: %1</translation>
    </message>
    <message>
        <source>After the successor has verified the bundle, you are removed from these rooms.</source>
        <translation>After the successor has verified the bundle, you are removed from these rooms.</translation>
    </message>
    <message>
        <source>Hand over the case</source>
        <translation>Hand over the case</translation>
    </message>
    <message>
        <source>Handing over</source>
        <translation>Handing over</translation>
    </message>
    <message>
        <source>Handed over to %1. Handover %2.</source>
        <translation>Handed over to %1. Handover %2.</translation>
    </message>
    <message>
        <source>You leave the rooms when the successor&apos;s device has verified the bundle; the list below shows when.</source>
        <translation>You leave the rooms when the successor&apos;s device has verified the bundle; the list below shows when.</translation>
    </message>
    <message>
        <source>Hand over another case</source>
        <translation>Hand over another case</translation>
    </message>
    <message>
        <source>Past handovers</source>
        <translation>Past handovers</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>Check again</translation>
    </message>
    <message>
        <source>Read and verify the handovers again</source>
        <translation>Read and verify the handovers again</translation>
    </message>
    <message>
        <source>Every received bundle verifies.</source>
        <translation>Every received bundle verifies.</translation>
    </message>
    <message>
        <source>A received bundle does not verify.</source>
        <translation>A received bundle does not verify.</translation>
    </message>
    <message>
        <source>No bundle received.</source>
        <translation>No bundle received.</translation>
    </message>
    <message>
        <source>No handovers yet.</source>
        <translation>No handovers yet.</translation>
    </message>
    <message>
        <source>Rooms: %1</source>
        <translation>Rooms: %1</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Lagrum</source>
        <translation>Lagrum</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connected</translation>
    </message>
    <message>
        <source>Connecting to the relay…</source>
        <translation>Connecting to the relay…</translation>
    </message>
    <message>
        <source>Offline: messages are queued</source>
        <translation>Offline: messages are queued</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>Dark theme</translation>
    </message>
    <message>
        <source>Sections</source>
        <translation>Sections</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Conversations</translation>
    </message>
    <message>
        <source>Meetings</source>
        <translation>Meetings</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>Records</translation>
    </message>
    <message>
        <source>Fetching messages…</source>
        <translation>Fetching messages…</translation>
    </message>
</context>
<context>
    <name>MeetingsPage</name>
    <message>
        <source>New meeting</source>
        <translation>New meeting</translation>
    </message>
    <message>
        <source>Meetings</source>
        <translation>Meetings</translation>
    </message>
    <message>
        <source>No meetings yet. Create one, or wait until a chair invites you.</source>
        <translation>No meetings yet. Create one, or wait until a chair invites you.</translation>
    </message>
    <message>
        <source>Choose a meeting on the left, or create a new one.</source>
        <translation>Choose a meeting on the left, or create a new one.</translation>
    </message>
    <message>
        <source>Room name</source>
        <translation>Room name</translation>
    </message>
    <message>
        <source>e.g. URF december</source>
        <translation>e.g. URF december</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>e.g. Unga i riskzon, december</source>
        <translation>e.g. Unga i riskzon, december</translation>
    </message>
    <message>
        <source>Date and time (YYYY-MM-DD HH:MM)</source>
        <translation>Date and time (YYYY-MM-DD HH:MM)</translation>
    </message>
    <message>
        <source>Date and time</source>
        <translation>Date and time</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>Create meeting</source>
        <translation>Create meeting</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Chair: %1</source>
        <translation>Chair: %1</translation>
    </message>
    <message>
        <source>(you)</source>
        <translation>(you)</translation>
    </message>
    <message>
        <source>Participants: %1</source>
        <translation>Participants: %1</translation>
    </message>
    <message>
        <source>Agenda</source>
        <translation>Agenda</translation>
    </message>
    <message>
        <source>The agenda is empty.</source>
        <translation>The agenda is empty.</translation>
    </message>
    <message>
        <source>Item %1: young person %2</source>
        <translation>Item %1: young person %2</translation>
    </message>
    <message>
        <source>you hold the personnummer</source>
        <translation>you hold the personnummer</translation>
    </message>
    <message>
        <source>Personnummer (YYYYMMDD-NNNN)</source>
        <translation>Personnummer (YYYYMMDD-NNNN)</translation>
    </message>
    <message>
        <source>The young person&apos;s personnummer</source>
        <translation>The young person&apos;s personnummer</translation>
    </message>
    <message>
        <source>Add to agenda</source>
        <translation>Add to agenda</translation>
    </message>
    <message>
        <source>Open the meeting</source>
        <translation>Open the meeting</translation>
    </message>
    <message>
        <source>Close and sign the minutes</source>
        <translation>Close and sign the minutes</translation>
    </message>
    <message>
        <source>Share within an agenda item</source>
        <translation>Share within an agenda item</translation>
    </message>
    <message>
        <source>Everyone in the meeting receives what you share, so the provision must allow every participant.</source>
        <translation>Everyone in the meeting receives what you share, so the provision must allow every participant.</translation>
    </message>
    <message>
        <source>Agenda item</source>
        <translation>Agenda item</translation>
    </message>
    <message>
        <source>Item %1 (%2)</source>
        <translation>Item %1 (%2)</translation>
    </message>
    <message>
        <source>Provision (lagrum)</source>
        <translation>Provision (lagrum)</translation>
    </message>
    <message>
        <source>Choose the provision</source>
        <translation>Choose the provision</translation>
    </message>
    <message>
        <source>What you share</source>
        <translation>What you share</translation>
    </message>
    <message>
        <source>Only what the meeting needs.</source>
        <translation>Only what the meeting needs.</translation>
    </message>
    <message>
        <source>Share in the meeting</source>
        <translation>Share in the meeting</translation>
    </message>
    <message>
        <source>Shared.</source>
        <translation>Shared.</translation>
    </message>
    <message>
        <source>Not shared: the legal check refused it.</source>
        <translation>Not shared: the legal check refused it.</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>Agenda item for the decision</source>
        <translation>Agenda item for the decision</translation>
    </message>
    <message>
        <source>The decision</source>
        <translation>The decision</translation>
    </message>
    <message>
        <source>Follow-up (optional)</source>
        <translation>Follow-up (optional)</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <source>Record the decision</source>
        <translation>Record the decision</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Minutes</translation>
    </message>
    <message>
        <source>The meeting is closed; the minutes arrive with the next sync.</source>
        <translation>The meeting is closed; the minutes arrive with the next sync.</translation>
    </message>
    <message>
        <source>Signed minutes: the chair&apos;s signature verifies.</source>
        <translation>Signed minutes: the chair&apos;s signature verifies.</translation>
    </message>
    <message>
        <source>The minutes&apos; signature does NOT verify. Do not rely on them.</source>
        <translation>The minutes&apos; signature does NOT verify. Do not rely on them.</translation>
    </message>
    <message>
        <source>PDF file</source>
        <translation>PDF file</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Exporting</translation>
    </message>
    <message>
        <source>Writing the PDF… you can keep working.</source>
        <translation>Writing the PDF… you can keep working.</translation>
    </message>
    <message numerus="yes">
        <source>Saved %1 (%n page(s)).</source>
        <translation>
            <numerusform>Saved %1 (%n page).</numerusform>
            <numerusform>Saved %1 (%n pages).</numerusform>
        </translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>Yes: %1</source>
        <translation>Yes: %1</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <source>No: %1</source>
        <translation>No: %1</translation>
    </message>
    <message>
        <source>Choose</source>
        <translation>Choose</translation>
    </message>
</context>
<context>
    <name>PersonnummerText</name>
    <message>
        <source>Write 12 digits (YYYYMMDD-NNNN) or 10 digits (YYMMDD-NNNN).</source>
        <translation>Write 12 digits (YYYYMMDD-NNNN) or 10 digits (YYMMDD-NNNN).</translation>
    </message>
    <message>
        <source>That date does not exist.</source>
        <translation>That date does not exist.</translation>
    </message>
    <message>
        <source>The check digit does not match: check the number.</source>
        <translation>The check digit does not match: check the number.</translation>
    </message>
    <message>
        <source>The birth date is in the future.</source>
        <translation>The birth date is in the future.</translation>
    </message>
</context>
<context>
    <name>RecordsPage</name>
    <message>
        <source>Records</source>
        <translation>Records</translation>
    </message>
    <message>
        <source>Consent register</source>
        <translation>Consent register</translation>
    </message>
    <message>
        <source>Disclosure log</source>
        <translation>Disclosure log</translation>
    </message>
    <message>
        <source>Verify a contact</source>
        <translation>Verify a contact</translation>
    </message>
    <message>
        <source>Consents</source>
        <translation>Consents</translation>
    </message>
    <message>
        <source>The register is empty.</source>
        <translation>The register is empty.</translation>
    </message>
    <message>
        <source>signature does not verify: never used</source>
        <translation>signature does not verify: never used</translation>
    </message>
    <message>
        <source>Young person %1 · given by %2 · to %3</source>
        <translation>Young person %1 · given by %2 · to %3</translation>
    </message>
    <message>
        <source>registered %1</source>
        <translation>registered %1</translation>
    </message>
    <message>
        <source>valid until %1</source>
        <translation>valid until %1</translation>
    </message>
    <message>
        <source>document: %1</source>
        <translation>document: %1</translation>
    </message>
    <message>
        <source>Withdraw</source>
        <translation>Withdraw</translation>
    </message>
    <message>
        <source>Withdraw consent %1</source>
        <translation>Withdraw consent %1</translation>
    </message>
    <message>
        <source>Register a consent</source>
        <translation>Register a consent</translation>
    </message>
    <message>
        <source>Personnummer</source>
        <translation>Personnummer</translation>
    </message>
    <message>
        <source>YYYYMMDD-NNNN</source>
        <translation>YYYYMMDD-NNNN</translation>
    </message>
    <message>
        <source>The young person&apos;s personnummer</source>
        <translation>The young person&apos;s personnummer</translation>
    </message>
    <message>
        <source>Given by</source>
        <translation>Given by</translation>
    </message>
    <message>
        <source>Guardian</source>
        <translation>Guardian</translation>
    </message>
    <message>
        <source>The young person</source>
        <translation>The young person</translation>
    </message>
    <message>
        <source>May be given to</source>
        <translation>May be given to</translation>
    </message>
    <message>
        <source>Police</source>
        <translation>Police</translation>
    </message>
    <message>
        <source>School</source>
        <translation>School</translation>
    </message>
    <message>
        <source>Health care</source>
        <translation>Health care</translation>
    </message>
    <message>
        <source>Social services</source>
        <translation>Social services</translation>
    </message>
    <message>
        <source>May be given to %1</source>
        <translation>May be given to %1</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>Valid until (optional)</source>
        <translation>Valid until (optional)</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <source>Signed document (file)</source>
        <translation>Signed document (file)</translation>
    </message>
    <message>
        <source>/path/to/samtycke.pdf</source>
        <translation>/path/to/samtycke.pdf</translation>
    </message>
    <message>
        <source>Register the consent</source>
        <translation>Register the consent</translation>
    </message>
    <message>
        <source>Close the case</source>
        <translation>Close the case</translation>
    </message>
    <message>
        <source>When the social-services case closes, every consent about the young person ends and queued messages that rested on them are held.</source>
        <translation>When the social-services case closes, every consent about the young person ends and queued messages that rested on them are held.</translation>
    </message>
    <message>
        <source>Personnummer (YYYYMMDD-NNNN)</source>
        <translation>Personnummer (YYYYMMDD-NNNN)</translation>
    </message>
    <message>
        <source>Personnummer of the case to close</source>
        <translation>Personnummer of the case to close</translation>
    </message>
    <message>
        <source>Verify the log</source>
        <translation>Verify the log</translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation>Verifying</translation>
    </message>
    <message>
        <source>Checking every hash and signature…</source>
        <translation>Checking every hash and signature…</translation>
    </message>
    <message numerus="yes">
        <source>Not verified yet. %n entries.</source>
        <translation>
            <numerusform>Not verified yet. %n entry.</numerusform>
            <numerusform>Not verified yet. %n entries.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export file</source>
        <translation>Export file</translation>
    </message>
    <message>
        <source>Export format</source>
        <translation>Export format</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Export the log</source>
        <translation>Export the log</translation>
    </message>
    <message>
        <source>Exporting… you can keep working.</source>
        <translation>Exporting… you can keep working.</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Saved %1</translation>
    </message>
    <message>
        <source>First bad entry</source>
        <translation>First bad entry</translation>
    </message>
    <message>
        <source>first bad entry</source>
        <translation>first bad entry</translation>
    </message>
    <message>
        <source>Compare the safety number with your contact in person or by phone. If the digits differ, do not send: someone may be in between.</source>
        <translation>Compare the safety number with your contact in person or by phone. If the digits differ, do not send: someone may be in between.</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>Show the safety number</source>
        <translation>Show the safety number</translation>
    </message>
    <message>
        <source>Safety number with %1</source>
        <translation>Safety number with %1</translation>
    </message>
    <message>
        <source>Safety number: %1</source>
        <translation>Safety number: %1</translation>
    </message>
    <message>
        <source>QR code of the safety number</source>
        <translation>QR code of the safety number</translation>
    </message>
    <message>
        <source>Handover</source>
        <translation>Handover</translation>
    </message>
    <message>
        <source>Case handover</source>
        <translation>Case handover</translation>
    </message>
    <message>
        <source>Mark as verified</source>
        <translation>Mark as verified</translation>
    </message>
    <message>
        <source>Only after you compared the digits with %1 in person or by phone and they were the same.</source>
        <translation>Only after you compared the digits with %1 in person or by phone and they were the same.</translation>
    </message>
    <message>
        <source>Remove the mark</source>
        <translation>Remove the mark</translation>
    </message>
    <message>
        <source>Remove the verified mark</source>
        <translation>Remove the verified mark</translation>
    </message>
    <message>
        <source>Verified: you compared this safety number with %1.</source>
        <translation>Verified: you compared this safety number with %1.</translation>
    </message>
    <message>
        <source>No longer verified: the device keys of %1 changed after you compared the number. Compare it again.</source>
        <translation>No longer verified: the device keys of %1 changed after you compared the number. Compare it again.</translation>
    </message>
    <message>
        <source>Not verified.</source>
        <translation>Not verified.</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Contacts</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>Verified</translation>
    </message>
    <message>
        <source>No longer verified</source>
        <translation>No longer verified</translation>
    </message>
    <message>
        <source>Not verified</source>
        <translation>Not verified</translation>
    </message>
</context>
<context>
    <name>SetupPage</name>
    <message>
        <source>Import your member certificate</source>
        <translation>Import your member certificate</translation>
    </message>
    <message>
        <source>Create your Lagrum profile</source>
        <translation>Create your Lagrum profile</translation>
    </message>
    <message>
        <source>Your organisation issues a member certificate for this device&apos;s key. Import the file they give you.</source>
        <translation>Your organisation issues a member certificate for this device&apos;s key. Import the file they give you.</translation>
    </message>
    <message>
        <source>The profile is stored encrypted in %1. Choose a passphrase that only you know.</source>
        <translation>The profile is stored encrypted in %1. Choose a passphrase that only you know.</translation>
    </message>
    <message>
        <source>Relay address</source>
        <translation>Relay address</translation>
    </message>
    <message>
        <source>unix:/path/to/relay.sock or host:port</source>
        <translation>unix:/path/to/relay.sock or host:port</translation>
    </message>
    <message>
        <source>Trust anchor files (one per line)</source>
        <translation>Trust anchor files (one per line)</translation>
    </message>
    <message>
        <source>/path/to/anchor.txtpb</source>
        <translation>/path/to/anchor.txtpb</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>New passphrase</translation>
    </message>
    <message>
        <source>Repeat the passphrase</source>
        <translation>Repeat the passphrase</translation>
    </message>
    <message>
        <source>Create profile</source>
        <translation>Create profile</translation>
    </message>
    <message>
        <source>This device&apos;s key (give it to your organisation)</source>
        <translation>This device&apos;s key (give it to your organisation)</translation>
    </message>
    <message>
        <source>Certificate file</source>
        <translation>Certificate file</translation>
    </message>
    <message>
        <source>/path/to/member.cert</source>
        <translation>/path/to/member.cert</translation>
    </message>
    <message>
        <source>Import certificate</source>
        <translation>Import certificate</translation>
    </message>
</context>
<context>
    <name>StatusBanner</name>
    <message>
        <source>Error:</source>
        <translation>Error:</translation>
    </message>
    <message>
        <source>Warning:</source>
        <translation>Warning:</translation>
    </message>
    <message>
        <source>Done:</source>
        <translation>Done:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Note:</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Close the message</source>
        <translation>Close the message</translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <source>Unlock Lagrum</source>
        <translation>Unlock Lagrum</translation>
    </message>
    <message>
        <source>Profile: %1</source>
        <translation>Profile: %1</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <source>Your passphrase</source>
        <translation>Your passphrase</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Unlock</translation>
    </message>
</context>
<context>
    <name>lagrum::app::AppController</name>
    <message>
        <source>Wrong passphrase. Check Caps Lock and try again.</source>
        <translation>Wrong passphrase. Check Caps Lock and try again.</translation>
    </message>
    <message>
        <source>There is no profile in %1.</source>
        <translation>There is no profile in %1.</translation>
    </message>
    <message>
        <source>The profile&apos;s files are damaged or are not a Lagrum profile. Contact your IT support; do not delete the folder.</source>
        <translation>The profile&apos;s files are damaged or are not a Lagrum profile. Contact your IT support; do not delete the folder.</translation>
    </message>
    <message>
        <source>There is already a profile in %1.</source>
        <translation>There is already a profile in %1.</translation>
    </message>
    <message>
        <source>This device has no member certificate yet.</source>
        <translation>This device has no member certificate yet.</translation>
    </message>
    <message>
        <source>The certificate is not valid (expired, revoked or from an organisation you do not trust): %1</source>
        <translation>The certificate is not valid (expired, revoked or from an organisation you do not trust): %1</translation>
    </message>
    <message>
        <source>The relay cannot be reached. You are working offline: messages are queued and sent when the connection is back.</source>
        <translation>The relay cannot be reached. You are working offline: messages are queued and sent when the connection is back.</translation>
    </message>
    <message>
        <source>The relay refused the request: %1</source>
        <translation>The relay refused the request: %1</translation>
    </message>
    <message>
        <source>A file could not be read or written: %1</source>
        <translation>A file could not be read or written: %1</translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation>Not found: %1</translation>
    </message>
    <message>
        <source>Not possible right now: %1</source>
        <translation>Not possible right now: %1</translation>
    </message>
    <message>
        <source>Check the input: %1</source>
        <translation>Check the input: %1</translation>
    </message>
    <message>
        <source>Something went wrong inside Lagrum: %1</source>
        <translation>Something went wrong inside Lagrum: %1</translation>
    </message>
    <message>
        <source>Queued: the relay is unreachable; the message is sent when the connection is back.</source>
        <translation>Queued: the relay is unreachable; the message is sent when the connection is back.</translation>
    </message>
    <message>
        <source>Sent.</source>
        <translation>Sent.</translation>
    </message>
    <message>
        <source>Not sent: the legal check refused the message. Nothing was queued.</source>
        <translation>Not sent: the legal check refused the message. Nothing was queued.</translation>
    </message>
    <message>
        <source>Certificate installed. The relay is unreachable: registration happens when the connection is back.</source>
        <translation>Certificate installed. The relay is unreachable: registration happens when the connection is back.</translation>
    </message>
    <message>
        <source>Profile created. Give the device key below to your organisation and import the member certificate they issue.</source>
        <translation>Profile created. Give the device key below to your organisation and import the member certificate they issue.</translation>
    </message>
    <message>
        <source>Enter your passphrase.</source>
        <translation>Enter your passphrase.</translation>
    </message>
    <message>
        <source>Unlocking the profile…</source>
        <translation>Unlocking the profile…</translation>
    </message>
    <message>
        <source>Choose a passphrase.</source>
        <translation>Choose a passphrase.</translation>
    </message>
    <message>
        <source>The passphrases differ.</source>
        <translation>The passphrases differ.</translation>
    </message>
    <message>
        <source>Enter the relay address (unix:PATH or host:port).</source>
        <translation>Enter the relay address (unix:PATH or host:port).</translation>
    </message>
    <message>
        <source>Give at least one organisation&apos;s trust anchor file.</source>
        <translation>Give at least one organisation&apos;s trust anchor file.</translation>
    </message>
    <message>
        <source>Creating the profile…</source>
        <translation>Creating the profile…</translation>
    </message>
    <message>
        <source>Give the certificate file your organisation issued.</source>
        <translation>Give the certificate file your organisation issued.</translation>
    </message>
    <message>
        <source>Installing the certificate and registering with the relay…</source>
        <translation>Installing the certificate and registering with the relay…</translation>
    </message>
    <message>
        <source>The legal check does not allow this message yet.</source>
        <translation>The legal check does not allow this message yet.</translation>
    </message>
    <message>
        <source>Checking and sending…</source>
        <translation>Checking and sending…</translation>
    </message>
    <message>
        <source>Meeting created. You chair it: add the young people to the agenda.</source>
        <translation>Meeting created. You chair it: add the young people to the agenda.</translation>
    </message>
    <message>
        <source>The meeting is open.</source>
        <translation>The meeting is open.</translation>
    </message>
    <message>
        <source>The young person is on the agenda (shown by meeting pseudonym).</source>
        <translation>The young person is on the agenda (shown by meeting pseudonym).</translation>
    </message>
    <message>
        <source>Shared within the agenda item.</source>
        <translation>Shared within the agenda item.</translation>
    </message>
    <message>
        <source>Not shared: the legal check refused it. The refusal is recorded in the minutes, never its text.</source>
        <translation>Not shared: the legal check refused it. The refusal is recorded in the minutes, never its text.</translation>
    </message>
    <message>
        <source>Decision recorded.</source>
        <translation>Decision recorded.</translation>
    </message>
    <message>
        <source>The meeting is closed; the minutes are signed and sent to the participants.</source>
        <translation>The meeting is closed; the minutes are signed and sent to the participants.</translation>
    </message>
    <message>
        <source>Consent registered and signed.</source>
        <translation>Consent registered and signed.</translation>
    </message>
    <message>
        <source>Consent withdrawn.</source>
        <translation>Consent withdrawn.</translation>
    </message>
    <message>
        <source>Case closed: every consent about the young person has ended.</source>
        <translation>Case closed: every consent about the young person has ended.</translation>
    </message>
    <message>
        <source>The disclosure log is exported.</source>
        <translation>The disclosure log is exported.</translation>
    </message>
    <message>
        <source>The minutes are saved as PDF.</source>
        <translation>The minutes are saved as PDF.</translation>
    </message>
    <message>
        <source>Give the meeting a room name and a title.</source>
        <translation>Give the meeting a room name and a title.</translation>
    </message>
    <message>
        <source>Choose at least one participant.</source>
        <translation>Choose at least one participant.</translation>
    </message>
    <message>
        <source>Creating the meeting…</source>
        <translation>Creating the meeting…</translation>
    </message>
    <message>
        <source>Enter the young person&apos;s personnummer or samordningsnummer.</source>
        <translation>Enter the young person&apos;s personnummer or samordningsnummer.</translation>
    </message>
    <message>
        <source>Adding to the agenda…</source>
        <translation>Adding to the agenda…</translation>
    </message>
    <message>
        <source>Opening the meeting…</source>
        <translation>Opening the meeting…</translation>
    </message>
    <message>
        <source>Choose the agenda item.</source>
        <translation>Choose the agenda item.</translation>
    </message>
    <message>
        <source>Write what you share.</source>
        <translation>Write what you share.</translation>
    </message>
    <message>
        <source>Checking and sharing…</source>
        <translation>Checking and sharing…</translation>
    </message>
    <message>
        <source>Write the decision.</source>
        <translation>Write the decision.</translation>
    </message>
    <message>
        <source>Recording the decision…</source>
        <translation>Recording the decision…</translation>
    </message>
    <message>
        <source>Closing the meeting and signing the minutes…</source>
        <translation>Closing the meeting and signing the minutes…</translation>
    </message>
    <message>
        <source>Choose who may receive information under the consent.</source>
        <translation>Choose who may receive information under the consent.</translation>
    </message>
    <message>
        <source>Write the end date as YYYY-MM-DD.</source>
        <translation>Write the end date as YYYY-MM-DD.</translation>
    </message>
    <message>
        <source>Registering the consent…</source>
        <translation>Registering the consent…</translation>
    </message>
    <message>
        <source>Withdrawing the consent…</source>
        <translation>Withdrawing the consent…</translation>
    </message>
    <message>
        <source>Closing the case…</source>
        <translation>Closing the case…</translation>
    </message>
</context>
<context>
    <name>lagrum::app::ComposeModel</name>
    <message>
        <source>Health</source>
        <translation>Health</translation>
    </message>
    <message>
        <source>Another person&apos;s health</source>
        <translation>Another person&apos;s health</translation>
    </message>
    <message>
        <source>Other people than the young person</source>
        <translation>Other people than the young person</translation>
    </message>
    <message>
        <source>Sexual life</source>
        <translation>Sexual life</translation>
    </message>
    <message>
        <source>Ethnic origin or religion</source>
        <translation>Ethnic origin or religion</translation>
    </message>
    <message>
        <source>Substance use</source>
        <translation>Substance use</translation>
    </message>
    <message>
        <source>Criminal offences</source>
        <translation>Criminal offences</translation>
    </message>
    <message>
        <source>Protected address</source>
        <translation>Protected address</translation>
    </message>
    <message>
        <source>Allowed: the provision covers every recipient.</source>
        <translation>Allowed: the provision covers every recipient.</translation>
    </message>
    <message>
        <source>Blocked: the message may not be sent like this.</source>
        <translation>Blocked: the message may not be sent like this.</translation>
    </message>
    <message>
        <source>Incomplete: answer the questions below.</source>
        <translation>Incomplete: answer the questions below.</translation>
    </message>
    <message>
        <source>Enter the young person&apos;s personnummer or samordningsnummer.</source>
        <translation>Enter the young person&apos;s personnummer or samordningsnummer.</translation>
    </message>
    <message>
        <source>Valid samordningsnummer, age %1.</source>
        <translation>Valid samordningsnummer, age %1.</translation>
    </message>
    <message>
        <source>Valid personnummer, age %1.</source>
        <translation>Valid personnummer, age %1.</translation>
    </message>
    <message>
        <source>Choose the recipients.</source>
        <translation>Choose the recipients.</translation>
    </message>
    <message>
        <source>Enter a valid personnummer for the young person.</source>
        <translation>Enter a valid personnummer for the young person.</translation>
    </message>
    <message>
        <source>Choose the provision (lagrum) that allows the disclosure.</source>
        <translation>Choose the provision (lagrum) that allows the disclosure.</translation>
    </message>
    <message>
        <source>The draft cannot be checked: %1</source>
        <translation>The draft cannot be checked: %1</translation>
    </message>
    <message>
        <source>Send only to %1</source>
        <translation>Send only to %1</translation>
    </message>
    <message>
        <source>Send only to %1 under %2</source>
        <translation>Send only to %1 under %2</translation>
    </message>
</context>
<context>
    <name>lagrum::app::HandoverModel</name>
    <message>
        <source>The relay cannot be reached. A handover needs the connection: try again when you are online.</source>
        <translation>The relay cannot be reached. A handover needs the connection: try again when you are online.</translation>
    </message>
    <message>
        <source>Nothing to hand over: %1</source>
        <translation>Nothing to hand over: %1</translation>
    </message>
    <message>
        <source>Check the input: %1</source>
        <translation>Check the input: %1</translation>
    </message>
    <message>
        <source>Not possible right now: %1</source>
        <translation>Not possible right now: %1</translation>
    </message>
    <message>
        <source>The handover failed: %1</source>
        <translation>The handover failed: %1</translation>
    </message>
    <message>
        <source>Enter the young person&apos;s personnummer or samordningsnummer.</source>
        <translation>Enter the young person&apos;s personnummer or samordningsnummer.</translation>
    </message>
    <message>
        <source>Valid samordningsnummer.</source>
        <translation>Valid samordningsnummer.</translation>
    </message>
    <message>
        <source>Valid personnummer.</source>
        <translation>Valid personnummer.</translation>
    </message>
    <message>
        <source>Step 1 of 3: catching up with the relay…</source>
        <translation>Step 1 of 3: catching up with the relay…</translation>
    </message>
    <message>
        <source>Step 2 of 3: adding the successor to the rooms and sending the signed history…</source>
        <translation>Step 2 of 3: adding the successor to the rooms and sending the signed history…</translation>
    </message>
    <message>
        <source>Step 3 of 3: reading the handovers again…</source>
        <translation>Step 3 of 3: reading the handovers again…</translation>
    </message>
    <message>
        <source>Sent, waiting for the receipt</source>
        <translation>Sent, waiting for the receipt</translation>
    </message>
    <message>
        <source>Completed: the successor confirmed</source>
        <translation>Completed: the successor confirmed</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Received and verified, finishing</source>
        <translation>Received and verified, finishing</translation>
    </message>
    <message>
        <source>Received and verified</source>
        <translation>Received and verified</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>Bundle verified: signature, messages and log excerpt</source>
        <translation>Bundle verified: signature, messages and log excerpt</translation>
    </message>
    <message>
        <source>Bundle does not verify: %1</source>
        <translation>Bundle does not verify: %1</translation>
    </message>
    <message>
        <source>Sent to %1</source>
        <translation>Sent to %1</translation>
    </message>
    <message>
        <source>Received from %1</source>
        <translation>Received from %1</translation>
    </message>
</context>
<context>
    <name>lagrum::app::MeetingModel</name>
    <message>
        <source>Scheduled</source>
        <translation>Scheduled</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Closed, minutes signed</source>
        <translation>Closed, minutes signed</translation>
    </message>
    <message>
        <source>Missing: %1</source>
        <translation>Missing: %1</translation>
    </message>
</context>
<context>
    <name>lagrum::app::MessageModel</name>
    <message>
        <source>You</source>
        <translation>You</translation>
    </message>
    <message>
        <source>The provision is not in this catalog.</source>
        <translation>The provision is not in this catalog.</translation>
    </message>
    <message>
        <source>The sender&apos;s member certificate could not be verified against the organisations you trust.</source>
        <translation>The sender&apos;s member certificate could not be verified against the organisations you trust.</translation>
    </message>
    <message>
        <source>The message was written for another conversation or an earlier state of this one.</source>
        <translation>The message was written for another conversation or an earlier state of this one.</translation>
    </message>
    <message>
        <source>The message carries no secrecy marking, so it does not say which provision allows the disclosure.</source>
        <translation>The message carries no secrecy marking, so it does not say which provision allows the disclosure.</translation>
    </message>
    <message>
        <source>The marking names another kind of authority than the sender&apos;s.</source>
        <translation>The marking names another kind of authority than the sender&apos;s.</translation>
    </message>
    <message>
        <source>The marking cites a provision that is not in your provision catalog.</source>
        <translation>The marking cites a provision that is not in your provision catalog.</translation>
    </message>
    <message>
        <source>The citation in the marking does not match the provision it names.</source>
        <translation>The citation in the marking does not match the provision it names.</translation>
    </message>
    <message>
        <source>The legal check recorded in the message cannot be read.</source>
        <translation>The legal check recorded in the message cannot be read.</translation>
    </message>
    <message>
        <source>Your own legal check of the recorded answers does not allow this disclosure to the room&apos;s members.</source>
        <translation>Your own legal check of the recorded answers does not allow this disclosure to the room&apos;s members.</translation>
    </message>
    <message>
        <source>The marking&apos;s wording differs from what the provision gives.</source>
        <translation>The marking&apos;s wording differs from what the provision gives.</translation>
    </message>
    <message>
        <source>The secrecy marking does not agree with the provision catalog.</source>
        <translation>The secrecy marking does not agree with the provision catalog.</translation>
    </message>
    <message>
        <source>The message&apos;s content could not be read as sent.</source>
        <translation>The message&apos;s content could not be read as sent.</translation>
    </message>
</context>
<context>
    <name>lagrum::app::RecordsModel</name>
    <message>
        <source>Given</source>
        <translation>Given</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>Withdrawn</translation>
    </message>
    <message>
        <source>Ended: case closed</source>
        <translation>Ended: case closed</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Expired</translation>
    </message>
    <message numerus="yes">
        <source>%n consent(s) ended. No queued message depended on them.</source>
        <translation>
            <numerusform>%n consent ended. No queued message depended on it.</numerusform>
            <numerusform>%n consents ended. No queued message depended on them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n consent(s) ended. %1 queued message(s) are held and will not be sent.</source>
        <translation>
            <numerusform>%n consent ended. %1 queued message(s) are held and will not be sent.</numerusform>
            <numerusform>%n consents ended. %1 queued message(s) are held and will not be sent.</numerusform>
        </translation>
    </message>
    <message>
        <source>the guardian</source>
        <translation>the guardian</translation>
    </message>
    <message>
        <source>the young person</source>
        <translation>the young person</translation>
    </message>
    <message numerus="yes">
        <source>The log is intact: %n entries, every hash and signature checked.</source>
        <translation>
            <numerusform>The log is intact: %n entry, every hash and signature checked.</numerusform>
            <numerusform>The log is intact: %n entries, every hash and signature checked.</numerusform>
        </translation>
    </message>
    <message>
        <source>The log is BROKEN at entry %1: %2</source>
        <translation>The log is BROKEN at entry %1: %2</translation>
    </message>
</context>
<context>
    <name>lagrum::app::RoomModel</name>
    <message>
        <source>%1 (✔ verified)</source>
        <translation>%1 (✔ verified)</translation>
    </message>
</context>
</TS>
