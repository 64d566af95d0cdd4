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
        <source>Provision %1</source>
        <translation>Provision %1</translation>
    </message>
    <message>
        <source>Flagged:</source>
        <translation>Flagged:</translation>
    </message>
    <message>
        <source>Direct conversation</source>
        <translation>Direct conversation</translation>
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
    <name>lagrum::app::MessageModel</name>
    <message>
        <source>No secrecy marking</source>
        <translation>No secrecy marking</translation>
    </message>
    <message>
        <source>The secrecy marking did not pass validation</source>
        <translation>The secrecy marking did not pass validation</translation>
    </message>
    <message>
        <source>The sender&apos;s certificate does not verify</source>
        <translation>The sender&apos;s certificate does not verify</translation>
    </message>
    <message>
        <source>The message does not belong to this conversation</source>
        <translation>The message does not belong to this conversation</translation>
    </message>
    <message>
        <source>The content could not be validated</source>
        <translation>The content could not be validated</translation>
    </message>
    <message>
        <source>You</source>
        <translation>You</translation>
    </message>
    <message>
        <source>The provision is not in this catalog.</source>
        <translation>The provision is not in this catalog.</translation>
    </message>
</context>
</TS>
