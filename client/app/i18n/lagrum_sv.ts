<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv_SE">
<context>
    <name>ComposePage</name>
    <message>
        <source>New message</source>
        <translation>Nytt meddelande</translation>
    </message>
    <message>
        <source>1. Recipients</source>
        <translation>1. Mottagare</translation>
    </message>
    <message>
        <source>A room</source>
        <translation>Ett rum</translation>
    </message>
    <message>
        <source>One person</source>
        <translation>En person</translation>
    </message>
    <message>
        <source>Choose a room</source>
        <translation>Välj ett rum</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Rum</translation>
    </message>
    <message>
        <source>Choose a person</source>
        <translation>Välj en person</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>2. The young person</source>
        <translation>2. Den unge</translation>
    </message>
    <message>
        <source>Personnummer or samordningsnummer</source>
        <translation>Personnummer eller samordningsnummer</translation>
    </message>
    <message>
        <source>YYYYMMDD-NNNN</source>
        <translation>ÅÅÅÅMMDD-NNNN</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Ändra</translation>
    </message>
    <message>
        <source>Personnummer (hidden). Change</source>
        <translation>Personnummer (dolt). Ändra</translation>
    </message>
    <message>
        <source>3. Provision (lagrum)</source>
        <translation>3. Lagrum (rättslig grund)</translation>
    </message>
    <message>
        <source>Choose a provision</source>
        <translation>Välj lagrum</translation>
    </message>
    <message>
        <source>Provision</source>
        <translation>Lagrum</translation>
    </message>
    <message>
        <source>4. Sensitive information in the message</source>
        <translation>4. Känsliga uppgifter i meddelandet</translation>
    </message>
    <message>
        <source>5. Message</source>
        <translation>5. Meddelande</translation>
    </message>
    <message>
        <source>Write only what the recipient needs.</source>
        <translation>Skriv bara det mottagaren behöver.</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>Meddelandetext</translation>
    </message>
    <message>
        <source>Still to answer:</source>
        <translation>Att besvara:</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Skicka</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <source>Yes: %1</source>
        <translation>Ja: %1</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nej</translation>
    </message>
    <message>
        <source>No: %1</source>
        <translation>Nej: %1</translation>
    </message>
    <message>
        <source>(not answered)</source>
        <translation>(inte besvarad)</translation>
    </message>
    <message>
        <source>Choose</source>
        <translation>Välj</translation>
    </message>
</context>
<context>
    <name>ConversationsPage</name>
    <message>
        <source>New message</source>
        <translation>Nytt meddelande</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Konversationer</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) in the outbox</source>
        <translation>
            <numerusform>%n meddelande i utkorgen</numerusform>
            <numerusform>%n meddelanden i utkorgen</numerusform>
        </translation>
    </message>
    <message>
        <source>No conversations yet. Someone adds you to a room, or you start one with New message.</source>
        <translation>Inga konversationer än. Någon lägger till dig i ett rum, eller så börjar du en med Nytt meddelande.</translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n oläst</numerusform>
            <numerusform>%n olästa</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n köat</numerusform>
            <numerusform>%n köade</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose a conversation</source>
        <translation>Välj en konversation</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Meddelanden</translation>
    </message>
    <message>
        <source>Provision %1</source>
        <translation>Lagrum %1</translation>
    </message>
    <message>
        <source>Flagged:</source>
        <translation>Flaggat:</translation>
    </message>
    <message>
        <source>Direct conversation</source>
        <translation>Direktkonversation</translation>
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
        <translation>Ansluten</translation>
    </message>
    <message>
        <source>Offline: messages are queued</source>
        <translation>Frånkopplad: meddelanden köas i utkorgen</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Språk</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>Mörkt tema</translation>
    </message>
</context>
<context>
    <name>SetupPage</name>
    <message>
        <source>Import your member certificate</source>
        <translation>Importera ditt medlemscertifikat</translation>
    </message>
    <message>
        <source>Create your Lagrum profile</source>
        <translation>Skapa din Lagrum-profil</translation>
    </message>
    <message>
        <source>Your organisation issues a member certificate for this device&apos;s key. Import the file they give you.</source>
        <translation>Din organisation utfärdar ett medlemscertifikat för den här enhetens nyckel. Importera filen du får.</translation>
    </message>
    <message>
        <source>The profile is stored encrypted in %1. Choose a passphrase that only you know.</source>
        <translation>Profilen lagras krypterad i %1. Välj en lösenfras som bara du känner till.</translation>
    </message>
    <message>
        <source>Relay address</source>
        <translation>Reläets adress</translation>
    </message>
    <message>
        <source>unix:/path/to/relay.sock or host:port</source>
        <translation>unix:/sökväg/till/relay.sock eller värd:port</translation>
    </message>
    <message>
        <source>Trust anchor files (one per line)</source>
        <translation>Förtroendeankare (en fil per rad)</translation>
    </message>
    <message>
        <source>/path/to/anchor.txtpb</source>
        <translation>/sökväg/till/anchor.txtpb</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>Ny lösenfras</translation>
    </message>
    <message>
        <source>Repeat the passphrase</source>
        <translation>Upprepa lösenfrasen</translation>
    </message>
    <message>
        <source>Create profile</source>
        <translation>Skapa profil</translation>
    </message>
    <message>
        <source>This device&apos;s key (give it to your organisation)</source>
        <translation>Enhetens nyckel (ge den till din organisation)</translation>
    </message>
    <message>
        <source>Certificate file</source>
        <translation>Certifikatfil</translation>
    </message>
    <message>
        <source>/path/to/member.cert</source>
        <translation>/sökväg/till/medlem.cert</translation>
    </message>
    <message>
        <source>Import certificate</source>
        <translation>Importera certifikat</translation>
    </message>
</context>
<context>
    <name>StatusBanner</name>
    <message>
        <source>Error:</source>
        <translation>Fel:</translation>
    </message>
    <message>
        <source>Warning:</source>
        <translation>Varning:</translation>
    </message>
    <message>
        <source>Done:</source>
        <translation>Klart:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Obs:</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Stäng</translation>
    </message>
    <message>
        <source>Close the message</source>
        <translation>Stäng meddelandet</translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <source>Unlock Lagrum</source>
        <translation>Lås upp Lagrum</translation>
    </message>
    <message>
        <source>Profile: %1</source>
        <translation>Profil: %1</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Lösenfras</translation>
    </message>
    <message>
        <source>Your passphrase</source>
        <translation>Din lösenfras</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Lås upp</translation>
    </message>
</context>
<context>
    <name>lagrum::app::AppController</name>
    <message>
        <source>Wrong passphrase. Check Caps Lock and try again.</source>
        <translation>Fel lösenfras. Kontrollera Caps Lock och försök igen.</translation>
    </message>
    <message>
        <source>There is no profile in %1.</source>
        <translation>Det finns ingen profil i %1.</translation>
    </message>
    <message>
        <source>The profile&apos;s files are damaged or are not a Lagrum profile. Contact your IT support; do not delete the folder.</source>
        <translation>Profilens filer är skadade eller är inte en Lagrum-profil. Kontakta din IT-support och radera inte mappen.</translation>
    </message>
    <message>
        <source>There is already a profile in %1.</source>
        <translation>Det finns redan en profil i %1.</translation>
    </message>
    <message>
        <source>This device has no member certificate yet.</source>
        <translation>Enheten har inget medlemscertifikat än.</translation>
    </message>
    <message>
        <source>The certificate is not valid (expired, revoked or from an organisation you do not trust): %1</source>
        <translation>Certifikatet är inte giltigt (utgånget, spärrat eller från en organisation du inte litar på): %1</translation>
    </message>
    <message>
        <source>The relay cannot be reached. You are working offline: messages are queued and sent when the connection is back.</source>
        <translation>Reläet kan inte nås. Du arbetar frånkopplad: meddelanden köas och skickas när anslutningen är tillbaka.</translation>
    </message>
    <message>
        <source>The relay refused the request: %1</source>
        <translation>Reläet avvisade begäran: %1</translation>
    </message>
    <message>
        <source>A file could not be read or written: %1</source>
        <translation>En fil kunde inte läsas eller skrivas: %1</translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation>Hittades inte: %1</translation>
    </message>
    <message>
        <source>Not possible right now: %1</source>
        <translation>Inte möjligt just nu: %1</translation>
    </message>
    <message>
        <source>Check the input: %1</source>
        <translation>Kontrollera uppgifterna: %1</translation>
    </message>
    <message>
        <source>Something went wrong inside Lagrum: %1</source>
        <translation>Något gick fel i Lagrum: %1</translation>
    </message>
    <message>
        <source>Queued: the relay is unreachable; the message is sent when the connection is back.</source>
        <translation>Köat: reläet kan inte nås; meddelandet skickas när anslutningen är tillbaka.</translation>
    </message>
    <message>
        <source>Sent.</source>
        <translation>Skickat.</translation>
    </message>
    <message>
        <source>Not sent: the legal check refused the message. Nothing was queued.</source>
        <translation>Inte skickat: den rättsliga kontrollen stoppade meddelandet. Inget köades.</translation>
    </message>
    <message>
        <source>Certificate installed. The relay is unreachable: registration happens when the connection is back.</source>
        <translation>Certifikatet är installerat. Reläet kan inte nås: registreringen sker när anslutningen är tillbaka.</translation>
    </message>
    <message>
        <source>Profile created. Give the device key below to your organisation and import the member certificate they issue.</source>
        <translation>Profilen är skapad. Ge enhetens nyckel nedan till din organisation och importera medlemscertifikatet de utfärdar.</translation>
    </message>
    <message>
        <source>Enter your passphrase.</source>
        <translation>Skriv din lösenfras.</translation>
    </message>
    <message>
        <source>Unlocking the profile…</source>
        <translation>Låser upp profilen …</translation>
    </message>
    <message>
        <source>Choose a passphrase.</source>
        <translation>Välj en lösenfras.</translation>
    </message>
    <message>
        <source>The passphrases differ.</source>
        <translation>Lösenfraserna skiljer sig åt.</translation>
    </message>
    <message>
        <source>Enter the relay address (unix:PATH or host:port).</source>
        <translation>Skriv reläets adress (unix:SÖKVÄG eller värd:port).</translation>
    </message>
    <message>
        <source>Give at least one organisation&apos;s trust anchor file.</source>
        <translation>Ange minst en organisations förtroendeankare.</translation>
    </message>
    <message>
        <source>Creating the profile…</source>
        <translation>Skapar profilen …</translation>
    </message>
    <message>
        <source>Give the certificate file your organisation issued.</source>
        <translation>Ange certifikatfilen som din organisation utfärdade.</translation>
    </message>
    <message>
        <source>Installing the certificate and registering with the relay…</source>
        <translation>Installerar certifikatet och registrerar hos reläet …</translation>
    </message>
    <message>
        <source>The legal check does not allow this message yet.</source>
        <translation>Den rättsliga kontrollen tillåter inte meddelandet än.</translation>
    </message>
    <message>
        <source>Checking and sending…</source>
        <translation>Kontrollerar och skickar …</translation>
    </message>
</context>
<context>
    <name>lagrum::app::ComposeModel</name>
    <message>
        <source>Health</source>
        <translation>Hälsa</translation>
    </message>
    <message>
        <source>Another person&apos;s health</source>
        <translation>Annan persons hälsa</translation>
    </message>
    <message>
        <source>Other people than the young person</source>
        <translation>Andra personer än den unge</translation>
    </message>
    <message>
        <source>Sexual life</source>
        <translation>Sexualliv</translation>
    </message>
    <message>
        <source>Ethnic origin or religion</source>
        <translation>Etniskt ursprung eller religion</translation>
    </message>
    <message>
        <source>Substance use</source>
        <translation>Missbruk</translation>
    </message>
    <message>
        <source>Criminal offences</source>
        <translation>Lagöverträdelser</translation>
    </message>
    <message>
        <source>Protected address</source>
        <translation>Skyddad adress</translation>
    </message>
    <message>
        <source>Allowed: the provision covers every recipient.</source>
        <translation>Tillåtet: lagrummet täcker alla mottagare.</translation>
    </message>
    <message>
        <source>Blocked: the message may not be sent like this.</source>
        <translation>Stoppat: meddelandet får inte skickas så här.</translation>
    </message>
    <message>
        <source>Incomplete: answer the questions below.</source>
        <translation>Ofullständigt: besvara frågorna nedan.</translation>
    </message>
    <message>
        <source>Enter the young person&apos;s personnummer or samordningsnummer.</source>
        <translation>Skriv den unges personnummer eller samordningsnummer.</translation>
    </message>
    <message>
        <source>Write 12 digits (YYYYMMDD-NNNN) or 10 digits (YYMMDD-NNNN).</source>
        <translation>Skriv 12 siffror (ÅÅÅÅMMDD-NNNN) eller 10 siffror (ÅÅMMDD-NNNN).</translation>
    </message>
    <message>
        <source>That date does not exist.</source>
        <translation>Det datumet finns inte.</translation>
    </message>
    <message>
        <source>The check digit does not match: check the number.</source>
        <translation>Kontrollsiffran stämmer inte: kontrollera numret.</translation>
    </message>
    <message>
        <source>The birth date is in the future.</source>
        <translation>Födelsedatumet ligger i framtiden.</translation>
    </message>
    <message>
        <source>Valid samordningsnummer, age %1.</source>
        <translation>Giltigt samordningsnummer, %1 år.</translation>
    </message>
    <message>
        <source>Valid personnummer, age %1.</source>
        <translation>Giltigt personnummer, %1 år.</translation>
    </message>
    <message>
        <source>Choose the recipients.</source>
        <translation>Välj mottagare.</translation>
    </message>
    <message>
        <source>Enter a valid personnummer for the young person.</source>
        <translation>Skriv ett giltigt personnummer för den unge.</translation>
    </message>
    <message>
        <source>Choose the provision (lagrum) that allows the disclosure.</source>
        <translation>Välj det lagrum som tillåter utlämnandet.</translation>
    </message>
    <message>
        <source>The draft cannot be checked: %1</source>
        <translation>Utkastet kan inte kontrolleras: %1</translation>
    </message>
    <message>
        <source>Send only to %1</source>
        <translation>Skicka bara till %1</translation>
    </message>
    <message>
        <source>Send only to %1 under %2</source>
        <translation>Skicka bara till %1 enligt %2</translation>
    </message>
</context>
<context>
    <name>lagrum::app::MessageModel</name>
    <message>
        <source>No secrecy marking</source>
        <translation>Ingen sekretessmarkering</translation>
    </message>
    <message>
        <source>The secrecy marking did not pass validation</source>
        <translation>Sekretessmarkeringen klarade inte kontrollen</translation>
    </message>
    <message>
        <source>The sender&apos;s certificate does not verify</source>
        <translation>Avsändarens certifikat kan inte verifieras</translation>
    </message>
    <message>
        <source>The message does not belong to this conversation</source>
        <translation>Meddelandet hör inte till den här konversationen</translation>
    </message>
    <message>
        <source>The content could not be validated</source>
        <translation>Innehållet kunde inte kontrolleras</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>The provision is not in this catalog.</source>
        <translation>Lagrummet finns inte i den här katalogen.</translation>
    </message>
</context>
</TS>
