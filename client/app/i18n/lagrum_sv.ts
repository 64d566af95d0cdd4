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
        <source>Flagged:</source>
        <translation>Flaggat:</translation>
    </message>
    <message>
        <source>Direct conversation</source>
        <translation>Direktkonversation</translation>
    </message>
    <message>
        <source>Legal basis: %1</source>
        <translation>Lagrum: %1</translation>
    </message>
</context>
<context>
    <name>HandoverPage</name>
    <message>
        <source>Hand over a case</source>
        <translation>Lämna över ett ärende</translation>
    </message>
    <message>
        <source>The successor, a colleague in your organisation, joins the case&apos;s rooms and receives its messages, log entries and consents in a signed bundle. You leave the rooms when the successor has verified it.</source>
        <translation>Efterträdaren, en kollega i din organisation, går med i ärendets rum och får dess meddelanden, loggposter och samtycken i ett signerat paket. Du lämnar rummen när efterträdaren har verifierat det.</translation>
    </message>
    <message>
        <source>Step %1 of 4</source>
        <translation>Steg %1 av 4</translation>
    </message>
    <message>
        <source>1. The young person</source>
        <translation>1. Den unga personen</translation>
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
        <source>Next</source>
        <translation>Nästa</translation>
    </message>
    <message>
        <source>Next: choose the successor</source>
        <translation>Nästa: välj efterträdare</translation>
    </message>
    <message>
        <source>2. The successor</source>
        <translation>2. Efterträdaren</translation>
    </message>
    <message>
        <source>Young person: %1</source>
        <translation>Ung person: %1</translation>
    </message>
    <message>
        <source>No colleague from your organisation shares a room with you yet.</source>
        <translation>Ingen kollega från din organisation delar något rum med dig ännu.</translation>
    </message>
    <message>
        <source>Choose a colleague</source>
        <translation>Välj en kollega</translation>
    </message>
    <message>
        <source>Successor</source>
        <translation>Efterträdare</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Tillbaka</translation>
    </message>
    <message>
        <source>Next: what will be handed over</source>
        <translation>Nästa: vad som lämnas över</translation>
    </message>
    <message>
        <source>3. What will be handed over</source>
        <translation>3. Det här lämnas över</translation>
    </message>
    <message>
        <source>Successor: %1</source>
        <translation>Efterträdare: %1</translation>
    </message>
    <message>
        <source>Rooms the successor joins: %1</source>
        <translation>Rum som efterträdaren går med i: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>inga</translation>
    </message>
    <message>
        <source>Direct conversations (history only): %1</source>
        <translation>Direktsamtal (endast historik): %1</translation>
    </message>
    <message>
        <source>Messages: %1</source>
        <translation>Meddelanden: %1</translation>
    </message>
    <message>
        <source>Disclosure log entries: %1</source>
        <translation>Poster i utlämnandeloggen: %1</translation>
    </message>
    <message>
        <source>Consents: %1</source>
        <translation>Samtycken: %1</translation>
    </message>
    <message>
        <source>After the successor has verified the bundle, you are removed from these rooms.</source>
        <translation>När efterträdaren har verifierat paketet tas du bort ur de här rummen.</translation>
    </message>
    <message>
        <source>Hand over the case</source>
        <translation>Lämna över ärendet</translation>
    </message>
    <message>
        <source>Handing over</source>
        <translation>Lämnar över</translation>
    </message>
    <message>
        <source>Handed over to %1. Handover %2.</source>
        <translation>Överlämnat till %1. Överlämning %2.</translation>
    </message>
    <message>
        <source>You leave the rooms when the successor&apos;s device has verified the bundle; the list below shows when.</source>
        <translation>Du lämnar rummen när efterträdarens enhet har verifierat paketet; listan nedan visar när.</translation>
    </message>
    <message>
        <source>Hand over another case</source>
        <translation>Lämna över ett annat ärende</translation>
    </message>
    <message>
        <source>Past handovers</source>
        <translation>Tidigare överlämningar</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>Kontrollera igen</translation>
    </message>
    <message>
        <source>Read and verify the handovers again</source>
        <translation>Läs in och verifiera överlämningarna igen</translation>
    </message>
    <message>
        <source>Every received bundle verifies.</source>
        <translation>Varje mottaget paket är verifierat.</translation>
    </message>
    <message>
        <source>A received bundle does not verify.</source>
        <translation>Ett mottaget paket går inte att verifiera.</translation>
    </message>
    <message>
        <source>No bundle received.</source>
        <translation>Inget paket mottaget.</translation>
    </message>
    <message>
        <source>No handovers yet.</source>
        <translation>Inga överlämningar ännu.</translation>
    </message>
    <message>
        <source>Rooms: %1</source>
        <translation>Rum: %1</translation>
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
        <source>Connecting to the relay…</source>
        <translation>Ansluter till reläet…</translation>
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
    <message>
        <source>Sections</source>
        <translation>Delar</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Samtal</translation>
    </message>
    <message>
        <source>Meetings</source>
        <translation>Möten</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>Register</translation>
    </message>
    <message>
        <source>Fetching messages…</source>
        <translation>Hämtar meddelanden…</translation>
    </message>
</context>
<context>
    <name>MeetingsPage</name>
    <message>
        <source>New meeting</source>
        <translation>Nytt möte</translation>
    </message>
    <message>
        <source>Meetings</source>
        <translation>Möten</translation>
    </message>
    <message>
        <source>No meetings yet. Create one, or wait until a chair invites you.</source>
        <translation>Inga möten ännu. Skapa ett, eller vänta tills en ordförande bjuder in dig.</translation>
    </message>
    <message>
        <source>Choose a meeting on the left, or create a new one.</source>
        <translation>Välj ett möte till vänster eller skapa ett nytt.</translation>
    </message>
    <message>
        <source>Room name</source>
        <translation>Rummets namn</translation>
    </message>
    <message>
        <source>e.g. URF december</source>
        <translation>t.ex. URF december</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Rubrik</translation>
    </message>
    <message>
        <source>e.g. Unga i riskzon, december</source>
        <translation>t.ex. Unga i riskzon, december</translation>
    </message>
    <message>
        <source>Date and time (YYYY-MM-DD HH:MM)</source>
        <translation>Datum och tid (ÅÅÅÅ-MM-DD TT:MM)</translation>
    </message>
    <message>
        <source>Date and time</source>
        <translation>Datum och tid</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Deltagare</translation>
    </message>
    <message>
        <source>Create meeting</source>
        <translation>Skapa mötet</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <source>Chair: %1</source>
        <translation>Ordförande: %1</translation>
    </message>
    <message>
        <source>(you)</source>
        <translation>(du)</translation>
    </message>
    <message>
        <source>Participants: %1</source>
        <translation>Deltagare: %1</translation>
    </message>
    <message>
        <source>Agenda</source>
        <translation>Dagordning</translation>
    </message>
    <message>
        <source>The agenda is empty.</source>
        <translation>Dagordningen är tom.</translation>
    </message>
    <message>
        <source>Item %1: young person %2</source>
        <translation>Punkt %1: ungdom %2</translation>
    </message>
    <message>
        <source>you hold the personnummer</source>
        <translation>du har personnumret</translation>
    </message>
    <message>
        <source>Personnummer (YYYYMMDD-NNNN)</source>
        <translation>Personnummer (ÅÅÅÅMMDD-NNNN)</translation>
    </message>
    <message>
        <source>The young person&apos;s personnummer</source>
        <translation>Ungdomens personnummer</translation>
    </message>
    <message>
        <source>Add to agenda</source>
        <translation>Lägg till på dagordningen</translation>
    </message>
    <message>
        <source>Open the meeting</source>
        <translation>Öppna mötet</translation>
    </message>
    <message>
        <source>Close and sign the minutes</source>
        <translation>Avsluta och signera protokollet</translation>
    </message>
    <message>
        <source>Share within an agenda item</source>
        <translation>Lämna uppgifter under en punkt</translation>
    </message>
    <message>
        <source>Everyone in the meeting receives what you share, so the provision must allow every participant.</source>
        <translation>Alla i mötet får det du lämnar, så lagrummet måste tillåta utlämnande till varje deltagare.</translation>
    </message>
    <message>
        <source>Agenda item</source>
        <translation>Punkt på dagordningen</translation>
    </message>
    <message>
        <source>Item %1 (%2)</source>
        <translation>Punkt %1 (%2)</translation>
    </message>
    <message>
        <source>Provision (lagrum)</source>
        <translation>Lagrum</translation>
    </message>
    <message>
        <source>Choose the provision</source>
        <translation>Välj lagrum</translation>
    </message>
    <message>
        <source>What you share</source>
        <translation>Det du lämnar</translation>
    </message>
    <message>
        <source>Only what the meeting needs.</source>
        <translation>Bara det mötet behöver.</translation>
    </message>
    <message>
        <source>Share in the meeting</source>
        <translation>Lämna i mötet</translation>
    </message>
    <message>
        <source>Shared.</source>
        <translation>Delat.</translation>
    </message>
    <message>
        <source>Not shared: the legal check refused it.</source>
        <translation>Inte delat: den rättsliga kontrollen stoppade det.</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Beslut</translation>
    </message>
    <message>
        <source>Agenda item for the decision</source>
        <translation>Punkt för beslutet</translation>
    </message>
    <message>
        <source>The decision</source>
        <translation>Beslutet</translation>
    </message>
    <message>
        <source>Follow-up (optional)</source>
        <translation>Uppföljning (frivilligt)</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>Uppföljning</translation>
    </message>
    <message>
        <source>Record the decision</source>
        <translation>Anteckna beslutet</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>The meeting is closed; the minutes arrive with the next sync.</source>
        <translation>Mötet är avslutat; protokollet kommer vid nästa synkronisering.</translation>
    </message>
    <message>
        <source>Signed minutes: the chair&apos;s signature verifies.</source>
        <translation>Signerat protokoll: ordförandens signatur stämmer.</translation>
    </message>
    <message>
        <source>The minutes&apos; signature does NOT verify. Do not rely on them.</source>
        <translation>Protokollets signatur stämmer INTE. Lita inte på det.</translation>
    </message>
    <message>
        <source>PDF file</source>
        <translation>PDF-fil</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>Spara som PDF</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Exporterar</translation>
    </message>
    <message>
        <source>Writing the PDF… you can keep working.</source>
        <translation>Skriver PDF-filen … du kan fortsätta arbeta.</translation>
    </message>
    <message numerus="yes">
        <source>Saved %1 (%n page(s)).</source>
        <translation>
            <numerusform>Sparad: %1 (%n sida).</numerusform>
            <numerusform>Sparad: %1 (%n sidor).</numerusform>
        </translation>
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
        <source>Choose</source>
        <translation>Välj</translation>
    </message>
</context>
<context>
    <name>PersonnummerText</name>
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
</context>
<context>
    <name>RecordsPage</name>
    <message>
        <source>Records</source>
        <translation>Register</translation>
    </message>
    <message>
        <source>Consent register</source>
        <translation>Samtyckesregister</translation>
    </message>
    <message>
        <source>Disclosure log</source>
        <translation>Utlämnandelogg</translation>
    </message>
    <message>
        <source>Verify a contact</source>
        <translation>Verifiera en kontakt</translation>
    </message>
    <message>
        <source>Consents</source>
        <translation>Samtycken</translation>
    </message>
    <message>
        <source>The register is empty.</source>
        <translation>Registret är tomt.</translation>
    </message>
    <message>
        <source>signature does not verify: never used</source>
        <translation>signaturen stämmer inte: används aldrig</translation>
    </message>
    <message>
        <source>Young person %1 · given by %2 · to %3</source>
        <translation>Ungdom %1 · lämnat av %2 · till %3</translation>
    </message>
    <message>
        <source>registered %1</source>
        <translation>registrerat %1</translation>
    </message>
    <message>
        <source>valid until %1</source>
        <translation>gäller till %1</translation>
    </message>
    <message>
        <source>document: %1</source>
        <translation>dokument: %1</translation>
    </message>
    <message>
        <source>Withdraw</source>
        <translation>Återkalla</translation>
    </message>
    <message>
        <source>Withdraw consent %1</source>
        <translation>Återkalla samtycke %1</translation>
    </message>
    <message>
        <source>Register a consent</source>
        <translation>Registrera ett samtycke</translation>
    </message>
    <message>
        <source>Personnummer</source>
        <translation>Personnummer</translation>
    </message>
    <message>
        <source>YYYYMMDD-NNNN</source>
        <translation>ÅÅÅÅMMDD-NNNN</translation>
    </message>
    <message>
        <source>The young person&apos;s personnummer</source>
        <translation>Ungdomens personnummer</translation>
    </message>
    <message>
        <source>Given by</source>
        <translation>Lämnat av</translation>
    </message>
    <message>
        <source>Guardian</source>
        <translation>Vårdnadshavare</translation>
    </message>
    <message>
        <source>The young person</source>
        <translation>Ungdomen själv</translation>
    </message>
    <message>
        <source>May be given to</source>
        <translation>Får lämnas till</translation>
    </message>
    <message>
        <source>Police</source>
        <translation>Polisen</translation>
    </message>
    <message>
        <source>School</source>
        <translation>Skolan</translation>
    </message>
    <message>
        <source>Health care</source>
        <translation>Hälso- och sjukvården</translation>
    </message>
    <message>
        <source>Social services</source>
        <translation>Socialtjänsten</translation>
    </message>
    <message>
        <source>May be given to %1</source>
        <translation>Får lämnas till %1</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>Syfte</translation>
    </message>
    <message>
        <source>Valid until (optional)</source>
        <translation>Gäller till (frivilligt)</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>ÅÅÅÅ-MM-DD</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Gäller till</translation>
    </message>
    <message>
        <source>Signed document (file)</source>
        <translation>Undertecknat dokument (fil)</translation>
    </message>
    <message>
        <source>/path/to/samtycke.pdf</source>
        <translation>/sökväg/till/samtycke.pdf</translation>
    </message>
    <message>
        <source>Register the consent</source>
        <translation>Registrera samtycket</translation>
    </message>
    <message>
        <source>Close the case</source>
        <translation>Avsluta ärendet</translation>
    </message>
    <message>
        <source>When the social-services case closes, every consent about the young person ends and queued messages that rested on them are held.</source>
        <translation>När socialtjänstens ärende avslutas upphör alla samtycken om ungdomen, och köade meddelanden som vilade på dem hålls kvar.</translation>
    </message>
    <message>
        <source>Personnummer (YYYYMMDD-NNNN)</source>
        <translation>Personnummer (ÅÅÅÅMMDD-NNNN)</translation>
    </message>
    <message>
        <source>Personnummer of the case to close</source>
        <translation>Personnummer för ärendet som avslutas</translation>
    </message>
    <message>
        <source>Verify the log</source>
        <translation>Kontrollera loggen</translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation>Kontrollerar</translation>
    </message>
    <message>
        <source>Checking every hash and signature…</source>
        <translation>Kontrollerar varje kontrollsumma och signatur …</translation>
    </message>
    <message numerus="yes">
        <source>Not verified yet. %n entries.</source>
        <translation>
            <numerusform>Inte kontrollerad ännu. %n post.</numerusform>
            <numerusform>Inte kontrollerad ännu. %n poster.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export file</source>
        <translation>Exportfil</translation>
    </message>
    <message>
        <source>Export format</source>
        <translation>Exportformat</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportera</translation>
    </message>
    <message>
        <source>Export the log</source>
        <translation>Exportera loggen</translation>
    </message>
    <message>
        <source>Exporting… you can keep working.</source>
        <translation>Exporterar … du kan fortsätta arbeta.</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Sparad: %1</translation>
    </message>
    <message>
        <source>First bad entry</source>
        <translation>Första felaktiga posten</translation>
    </message>
    <message>
        <source>first bad entry</source>
        <translation>första felaktiga posten</translation>
    </message>
    <message>
        <source>Compare the safety number with your contact in person or by phone. If the digits differ, do not send: someone may be in between.</source>
        <translation>Jämför säkerhetsnumret med din kontakt på plats eller per telefon. Om siffrorna skiljer sig åt ska du inte skicka: någon kan finnas emellan.</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>Kontakt</translation>
    </message>
    <message>
        <source>Show the safety number</source>
        <translation>Visa säkerhetsnumret</translation>
    </message>
    <message>
        <source>Safety number with %1</source>
        <translation>Säkerhetsnummer med %1</translation>
    </message>
    <message>
        <source>Safety number: %1</source>
        <translation>Säkerhetsnummer: %1</translation>
    </message>
    <message>
        <source>QR code of the safety number</source>
        <translation>QR-kod för säkerhetsnumret</translation>
    </message>
    <message>
        <source>Handover</source>
        <translation>Överlämning</translation>
    </message>
    <message>
        <source>Case handover</source>
        <translation>Överlämning av ärende</translation>
    </message>
    <message>
        <source>Mark as verified</source>
        <translation>Markera som verifierad</translation>
    </message>
    <message>
        <source>Only after you compared the digits with %1 in person or by phone and they were the same.</source>
        <translation>Först när du har jämfört siffrorna med %1 personligen eller per telefon och de var lika.</translation>
    </message>
    <message>
        <source>Remove the mark</source>
        <translation>Ta bort markeringen</translation>
    </message>
    <message>
        <source>Remove the verified mark</source>
        <translation>Ta bort markeringen som verifierad</translation>
    </message>
    <message>
        <source>Verified: you compared this safety number with %1.</source>
        <translation>Verifierad: du har jämfört det här säkerhetsnumret med %1.</translation>
    </message>
    <message>
        <source>No longer verified: the device keys of %1 changed after you compared the number. Compare it again.</source>
        <translation>Inte längre verifierad: enhetsnycklarna för %1 har ändrats sedan du jämförde numret. Jämför det igen.</translation>
    </message>
    <message>
        <source>Not verified.</source>
        <translation>Inte verifierad.</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Kontakter</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>Verifierad</translation>
    </message>
    <message>
        <source>No longer verified</source>
        <translation>Inte längre verifierad</translation>
    </message>
    <message>
        <source>Not verified</source>
        <translation>Inte verifierad</translation>
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
    <message>
        <source>Meeting created. You chair it: add the young people to the agenda.</source>
        <translation>Mötet är skapat. Du är ordförande: lägg till ungdomarna på dagordningen.</translation>
    </message>
    <message>
        <source>The meeting is open.</source>
        <translation>Mötet är öppnat.</translation>
    </message>
    <message>
        <source>The young person is on the agenda (shown by meeting pseudonym).</source>
        <translation>Ungdomen står på dagordningen (visas med mötespseudonym).</translation>
    </message>
    <message>
        <source>Shared within the agenda item.</source>
        <translation>Delat under punkten.</translation>
    </message>
    <message>
        <source>Not shared: the legal check refused it. The refusal is recorded in the minutes, never its text.</source>
        <translation>Inte delat: den rättsliga kontrollen stoppade det. Stoppet antecknas i protokollet, aldrig texten.</translation>
    </message>
    <message>
        <source>Decision recorded.</source>
        <translation>Beslutet är antecknat.</translation>
    </message>
    <message>
        <source>The meeting is closed; the minutes are signed and sent to the participants.</source>
        <translation>Mötet är avslutat; protokollet är signerat och skickat till deltagarna.</translation>
    </message>
    <message>
        <source>Consent registered and signed.</source>
        <translation>Samtycket är registrerat och signerat.</translation>
    </message>
    <message>
        <source>Consent withdrawn.</source>
        <translation>Samtycket är återkallat.</translation>
    </message>
    <message>
        <source>Case closed: every consent about the young person has ended.</source>
        <translation>Ärendet är avslutat: alla samtycken om ungdomen har upphört.</translation>
    </message>
    <message>
        <source>The disclosure log is exported.</source>
        <translation>Utlämnandeloggen är exporterad.</translation>
    </message>
    <message>
        <source>The minutes are saved as PDF.</source>
        <translation>Protokollet är sparat som PDF.</translation>
    </message>
    <message>
        <source>Give the meeting a room name and a title.</source>
        <translation>Ge mötet ett rumsnamn och en rubrik.</translation>
    </message>
    <message>
        <source>Choose at least one participant.</source>
        <translation>Välj minst en deltagare.</translation>
    </message>
    <message>
        <source>Creating the meeting…</source>
        <translation>Skapar mötet …</translation>
    </message>
    <message>
        <source>Enter the young person&apos;s personnummer or samordningsnummer.</source>
        <translation>Skriv ungdomens personnummer eller samordningsnummer.</translation>
    </message>
    <message>
        <source>Adding to the agenda…</source>
        <translation>Lägger till på dagordningen …</translation>
    </message>
    <message>
        <source>Opening the meeting…</source>
        <translation>Öppnar mötet …</translation>
    </message>
    <message>
        <source>Choose the agenda item.</source>
        <translation>Välj punkt på dagordningen.</translation>
    </message>
    <message>
        <source>Write what you share.</source>
        <translation>Skriv det du lämnar.</translation>
    </message>
    <message>
        <source>Checking and sharing…</source>
        <translation>Kontrollerar och delar …</translation>
    </message>
    <message>
        <source>Write the decision.</source>
        <translation>Skriv beslutet.</translation>
    </message>
    <message>
        <source>Recording the decision…</source>
        <translation>Antecknar beslutet …</translation>
    </message>
    <message>
        <source>Closing the meeting and signing the minutes…</source>
        <translation>Avslutar mötet och signerar protokollet …</translation>
    </message>
    <message>
        <source>Choose who may receive information under the consent.</source>
        <translation>Välj vilka som får uppgifter enligt samtycket.</translation>
    </message>
    <message>
        <source>Write the end date as YYYY-MM-DD.</source>
        <translation>Skriv slutdatumet som ÅÅÅÅ-MM-DD.</translation>
    </message>
    <message>
        <source>Registering the consent…</source>
        <translation>Registrerar samtycket …</translation>
    </message>
    <message>
        <source>Withdrawing the consent…</source>
        <translation>Återkallar samtycket …</translation>
    </message>
    <message>
        <source>Closing the case…</source>
        <translation>Avslutar ärendet …</translation>
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
    <name>lagrum::app::HandoverModel</name>
    <message>
        <source>The relay cannot be reached. A handover needs the connection: try again when you are online.</source>
        <translation>Reläet går inte att nå. En överlämning kräver anslutning: försök igen när du är uppkopplad.</translation>
    </message>
    <message>
        <source>Nothing to hand over: %1</source>
        <translation>Inget att lämna över: %1</translation>
    </message>
    <message>
        <source>Check the input: %1</source>
        <translation>Kontrollera uppgifterna: %1</translation>
    </message>
    <message>
        <source>Not possible right now: %1</source>
        <translation>Inte möjligt just nu: %1</translation>
    </message>
    <message>
        <source>The handover failed: %1</source>
        <translation>Överlämningen misslyckades: %1</translation>
    </message>
    <message>
        <source>Enter the young person&apos;s personnummer or samordningsnummer.</source>
        <translation>Ange den unga personens personnummer eller samordningsnummer.</translation>
    </message>
    <message>
        <source>Valid samordningsnummer.</source>
        <translation>Giltigt samordningsnummer.</translation>
    </message>
    <message>
        <source>Valid personnummer.</source>
        <translation>Giltigt personnummer.</translation>
    </message>
    <message>
        <source>Step 1 of 3: catching up with the relay…</source>
        <translation>Steg 1 av 3: hämtar det senaste från reläet…</translation>
    </message>
    <message>
        <source>Step 2 of 3: adding the successor to the rooms and sending the signed history…</source>
        <translation>Steg 2 av 3: lägger till efterträdaren i rummen och skickar den signerade historiken…</translation>
    </message>
    <message>
        <source>Step 3 of 3: reading the handovers again…</source>
        <translation>Steg 3 av 3: läser in överlämningarna igen…</translation>
    </message>
    <message>
        <source>Sent, waiting for the receipt</source>
        <translation>Skickad, väntar på kvittens</translation>
    </message>
    <message>
        <source>Completed: the successor confirmed</source>
        <translation>Slutförd: efterträdaren har kvitterat</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Misslyckades</translation>
    </message>
    <message>
        <source>Received and verified, finishing</source>
        <translation>Mottagen och verifierad, avslutas</translation>
    </message>
    <message>
        <source>Received and verified</source>
        <translation>Mottagen och verifierad</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Avvisad</translation>
    </message>
    <message>
        <source>Bundle verified: signature, messages and log excerpt</source>
        <translation>Paketet är verifierat: signatur, meddelanden och loggutdrag</translation>
    </message>
    <message>
        <source>Bundle does not verify: %1</source>
        <translation>Paketet går inte att verifiera: %1</translation>
    </message>
    <message>
        <source>Sent to %1</source>
        <translation>Skickad till %1</translation>
    </message>
    <message>
        <source>Received from %1</source>
        <translation>Mottagen från %1</translation>
    </message>
</context>
<context>
    <name>lagrum::app::MeetingModel</name>
    <message>
        <source>Scheduled</source>
        <translation>Planerat</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öppet</translation>
    </message>
    <message>
        <source>Closed, minutes signed</source>
        <translation>Avslutat, protokollet signerat</translation>
    </message>
    <message>
        <source>Missing: %1</source>
        <translation>Saknas: %1</translation>
    </message>
</context>
<context>
    <name>lagrum::app::MessageModel</name>
    <message>
        <source>You</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>The provision is not in this catalog.</source>
        <translation>Lagrummet finns inte i den här katalogen.</translation>
    </message>
    <message>
        <source>The sender&apos;s member certificate could not be verified against the organisations you trust.</source>
        <translation>Avsändarens medlemscertifikat kunde inte verifieras mot de organisationer du litar på.</translation>
    </message>
    <message>
        <source>The message was written for another conversation or an earlier state of this one.</source>
        <translation>Meddelandet skrevs för en annan konversation eller ett tidigare läge i den här.</translation>
    </message>
    <message>
        <source>The message carries no secrecy marking, so it does not say which provision allows the disclosure.</source>
        <translation>Meddelandet saknar sekretessmarkering, så det framgår inte vilken bestämmelse som tillåter utlämnandet.</translation>
    </message>
    <message>
        <source>The marking names another kind of authority than the sender&apos;s.</source>
        <translation>Markeringen anger en annan sorts myndighet än avsändarens.</translation>
    </message>
    <message>
        <source>The marking cites a provision that is not in your provision catalog.</source>
        <translation>Markeringen hänvisar till en bestämmelse som inte finns i din bestämmelsekatalog.</translation>
    </message>
    <message>
        <source>The citation in the marking does not match the provision it names.</source>
        <translation>Lagrumshänvisningen i markeringen stämmer inte med bestämmelsen som den anger.</translation>
    </message>
    <message>
        <source>The legal check recorded in the message cannot be read.</source>
        <translation>Den rättsliga kontrollen som är sparad i meddelandet går inte att läsa.</translation>
    </message>
    <message>
        <source>Your own legal check of the recorded answers does not allow this disclosure to the room&apos;s members.</source>
        <translation>Din egen rättsliga kontroll av de sparade svaren tillåter inte det här utlämnandet till rummets medlemmar.</translation>
    </message>
    <message>
        <source>The marking&apos;s wording differs from what the provision gives.</source>
        <translation>Markeringens lydelse skiljer sig från vad bestämmelsen ger.</translation>
    </message>
    <message>
        <source>The secrecy marking does not agree with the provision catalog.</source>
        <translation>Sekretessmarkeringen stämmer inte med bestämmelsekatalogen.</translation>
    </message>
    <message>
        <source>The message&apos;s content could not be read as sent.</source>
        <translation>Meddelandets innehåll gick inte att läsa som det skickades.</translation>
    </message>
</context>
<context>
    <name>lagrum::app::RecordsModel</name>
    <message>
        <source>Given</source>
        <translation>Lämnat</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>Återkallat</translation>
    </message>
    <message>
        <source>Ended: case closed</source>
        <translation>Upphört: ärendet avslutat</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Har gått ut</translation>
    </message>
    <message numerus="yes">
        <source>%n consent(s) ended. No queued message depended on them.</source>
        <translation>
            <numerusform>%n samtycke upphörde. Inget köat meddelande berodde på det.</numerusform>
            <numerusform>%n samtycken upphörde. Inget köat meddelande berodde på dem.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n consent(s) ended. %1 queued message(s) are held and will not be sent.</source>
        <translation>
            <numerusform>%n samtycke upphörde. %1 köade meddelanden hålls kvar och skickas inte.</numerusform>
            <numerusform>%n samtycken upphörde. %1 köade meddelanden hålls kvar och skickas inte.</numerusform>
        </translation>
    </message>
    <message>
        <source>the guardian</source>
        <translation>vårdnadshavare</translation>
    </message>
    <message>
        <source>the young person</source>
        <translation>ungdomen själv</translation>
    </message>
    <message numerus="yes">
        <source>The log is intact: %n entries, every hash and signature checked.</source>
        <translation>
            <numerusform>Loggen är hel: %n post, varje kontrollsumma och signatur kontrollerad.</numerusform>
            <numerusform>Loggen är hel: %n poster, varje kontrollsumma och signatur kontrollerad.</numerusform>
        </translation>
    </message>
    <message>
        <source>The log is BROKEN at entry %1: %2</source>
        <translation>Loggen är BRUTEN vid post %1: %2</translation>
    </message>
</context>
<context>
    <name>lagrum::app::RoomModel</name>
    <message>
        <source>%1 (✔ verified)</source>
        <translation>%1 (✔ verifierad)</translation>
    </message>
</context>
</TS>
