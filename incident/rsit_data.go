package incident

// Code below was transcribed from testdata/rsit/machinev1.json (a copy of
// RSIT working_copy/machinev1, CC0 1.0) by a one-off script; edit both
// together. TestRSITMatchesMachineTag fails if they drift apart.
//
// RSIT quirks kept as published: machine name "scanner" has label "Scanning",
// "ids-alert" has "Exploitation of Known Vulnerabilities", "brute-force" has
// "Login Attempts", "exploit" has "New Attack Signature", "data-leak" has
// "Leak of Confidential Information" and "other/other" has "Uncategorised".
// The machine file wins over the generated human-readable one
// (working_copy/humanv1.md), which labels "information-disclosure"
// "Information disclosure" where machinev1 has "Information Disclosure".

// rsitVersion is the "version" field of RSIT machinev1: release 1.3 is 1003
// (RSIT CHANGELOG: "versioning mechanism ... integer").
const rsitVersion = 1003

// rsitSource cites the upstream file and commit the table was taken from.
const rsitSource = "https://github.com/enisaeu/Reference-Security-Incident-Taxonomy-Task-Force/blob/b9ad1f84/working_copy/machinev1 (RSIT 1.3, CC0 1.0)"

// rsitClasses returns a new copy of the RSIT classes and types, in published
// order, each call; there is no shared table to mutate.
func rsitClasses() []CategoryClass {
	return []CategoryClass{
		{
			Name:        "abusive-content",
			Label:       "Abusive Content",
			Description: "Abusive Content.",
			Types: []CategoryType{
				{Name: "spam", Label: "Spam",
					Description: "Or 'Unsolicited Bulk Email', this means that the recipient has not granted verifiable permission for the message to be sent and that the message is sent as part of a larger collection of messages, all having a functionally comparable content. This IOC refers to resources which make up spam infrastructure, for example, harvesters like address verification, URLs in spam emails, etc."},
				{Name: "harmful-speech", Label: "Harmful Speech",
					Description: "Bullying, harassment or discrimination of somebody, e.g., cyber stalking, racism or threats against one or more individuals."},
				{Name: "violence", Label: "(Child) Sexual Exploitation/Sexual/Violent Content",
					Description: "Child Sexual Exploitation (CSE), sexual content, glorification of violence, etc."},
			},
		},
		{
			Name:        "malicious-code",
			Label:       "Malicious Code",
			Description: "Software that is intentionally included or inserted in a system for a harmful purpose. A user interaction is normally necessary to activate the code.",
			Types: []CategoryType{
				{Name: "infected-system", Label: "Infected System",
					Description: "System infected with malware, e.g., a PC, smartphone or server infected with a rootkit. Most often this refers to a connection to a sinkholed command and control server."},
				{Name: "c2-server", Label: "C2 Server",
					Description: "Command and control server contacted by malware on infected systems."},
				{Name: "malware-distribution", Label: "Malware Distribution",
					Description: "URI used for malware distribution, e.g., a download URL included in fake invoice malware spam or exploit kits (on websites)."},
				{Name: "malware-configuration", Label: "Malware Configuration",
					Description: "URI hosting a malware configuration file, e.g., web injects for a banking trojan."},
			},
		},
		{
			Name:        "information-gathering",
			Label:       "Information Gathering",
			Description: "Information Gathering.",
			Types: []CategoryType{
				{Name: "scanner", Label: "Scanning",
					Description: "Attacks that send requests to a system to discover weaknesses. This also includes testing processes to gather information on hosts, services and accounts. This includes fingerd, DNS querying, ICMP, SMTP (EXPN, RCPT, etc) port scanning."},
				{Name: "sniffing", Label: "Sniffing",
					Description: "Observing and recording of network traffic (i.e. wiretapping)."},
				{Name: "social-engineering", Label: "Social Engineering",
					Description: "Gathering information from a human being in a non-technical way (e.g., using lies, tricks, bribes, or threats)."},
			},
		},
		{
			Name:        "intrusion-attempts",
			Label:       "Intrusion Attempts",
			Description: "Intrusion Attempts.",
			Types: []CategoryType{
				{Name: "ids-alert", Label: "Exploitation of Known Vulnerabilities",
					Description: "An attempt to compromise a system or to disrupt any service by exploiting vulnerabilities with a standardised identifier such as CVE name (e.g., using a buffer overflow, backdoor, cross site scripting)"},
				{Name: "brute-force", Label: "Login Attempts",
					Description: "Multiple brute-force login attempts (including guessing or cracking of passwords). This IOC refers to a resource, which has been observed to perform brute-force attacks over a given application protocol."},
				{Name: "exploit", Label: "New Attack Signature",
					Description: "An attack using an unknown exploit."},
			},
		},
		{
			Name:        "intrusions",
			Label:       "Intrusions",
			Description: "A successful compromise of a system or application (service). This can have been caused remotely by a known or new vulnerability, but also by an unauthorised local access. Also includes being part of a botnet.",
			Types: []CategoryType{
				{Name: "privileged-account-compromise", Label: "Privileged Account Compromise",
					Description: "Compromise of a system where the attacker has gained administrative privileges."},
				{Name: "unprivileged-account-compromise", Label: "Unprivileged Account Compromise",
					Description: "Compromise of a system using an unprivileged (user/service) account."},
				{Name: "application-compromise", Label: "Application Compromise",
					Description: "Compromise of an application by exploiting (un)known software vulnerabilities, e.g., SQL injection."},
				{Name: "system-compromise", Label: "System Compromise",
					Description: "Compromise of a system, e.g., unauthorised logins or commands. This includes attempts to compromise honeypot systems."},
				{Name: "burglary", Label: "Burglary",
					Description: "Physical intrusion, e.g., into a corporate building or data centre."},
			},
		},
		{
			Name:        "availability",
			Label:       "Availability",
			Description: "By this kind of an attack a system is bombarded with so many packets that the operations are delayed or the system crashes. DoS examples are ICMP and SYN floods, Teardrop attacks and mail-bombing. DDoS often is based on DoS attacks originating from botnets, but also other scenarios exist like DNS Amplification attacks. However, the availability also can be affected by local actions (destruction, disruption of power supply, etc.) – or by Act of God, spontaneous failures or human error, without malice or gross neglect being involved.",
			Types: []CategoryType{
				{Name: "dos", Label: "Denial of Service",
					Description: "Denial of Service attack, e.g., sending specially crafted requests to a web application which causes the application to crash or slow down."},
				{Name: "ddos", Label: "Distributed Denial of Service",
					Description: "Distributed Denial of Service attack, e.g., SYN flood or UDP-based reflection/amplification attacks."},
				{Name: "misconfiguration", Label: "Misconfiguration",
					Description: "Software misconfiguration resulting in service availability issues, e.g., DNS server with outdated DNSSEC Root Zone KSK."},
				{Name: "sabotage", Label: "Sabotage",
					Description: "Intentional actions maliciously threatening to, attempting to or actually damaging a system or component with the aim of disrupting the availability of a service. These can happen both at logical and physical levels, from malicious firewall rules dropping all traffic, to wire-cutting, bomb threats or arson."},
				{Name: "outage", Label: "Outage",
					Description: "An outage caused, for example, by air conditioning failure or natural disaster."},
			},
		},
		{
			Name:        "information-content-security",
			Label:       "Information Content Security",
			Description: "Besides a local abuse of data and systems the information security can be endangered by a successful account or application compromise. Furthermore attacks are possible that intercept and access information during transmission (wiretapping, spoofing or hijacking). Human/configuration/software error can also be the cause.",
			Types: []CategoryType{
				{Name: "unauthorised-information-access", Label: "Unauthorised Access to Information",
					Description: "Unauthorised access to information, e.g., by abusing stolen login credentials for a system or application, intercepting traffic or gaining access to physical documents."},
				{Name: "unauthorised-information-modification", Label: "Unauthorised Modification of Information",
					Description: "Unauthorised modification of information, e.g., by an attacker abusing stolen login credentials for a system or application, or ransomware encrypting data. Also includes defacements."},
				{Name: "data-loss", Label: "Data Loss",
					Description: "Loss of data caused by, for example, hard disk failure or physical theft."},
				{Name: "data-leak", Label: "Leak of Confidential Information",
					Description: "Leaked confidential information, e.g., credentials or personal data."},
			},
		},
		{
			Name:        "fraud",
			Label:       "Fraud",
			Description: "Fraud.",
			Types: []CategoryType{
				{Name: "unauthorised-use-of-resources", Label: "Unauthorised Use of Resources",
					Description: "Using resources for unauthorised purposes including profit-making ventures, e.g., the use of email to participate in illegal profit chain letters or pyramid schemes."},
				{Name: "copyright", Label: "Copyright",
					Description: "Offering or installing copies of unlicensed commercial software or other copyright protected materials (also known as Warez)."},
				{Name: "masquerade", Label: "Masquerade",
					Description: "Type of attack in which one entity illegitimately impersonates the identity of another in order to benefit from it."},
				{Name: "phishing", Label: "Phishing",
					Description: "Masquerading as another entity in order to persuade the user to reveal private credentials. This IOC most often refers to a URL, which is used to phish user credentials."},
			},
		},
		{
			Name:        "vulnerable",
			Label:       "Vulnerable",
			Description: "Open resolvers, world-readable printers, vulnerabilities apparent from scans, anti-virus signatures not up-to-date, etc.",
			Types: []CategoryType{
				{Name: "weak-crypto", Label: "Weak Cryptography",
					Description: "Publicly accessible services offering weak cryptography, e.g., web servers susceptible to POODLE/FREAK attacks."},
				{Name: "ddos-amplifier", Label: "DDoS Amplifier",
					Description: "Publicly accessible services that can be abused for conducting DDoS reflection/amplification attacks, e.g., DNS open-resolvers or NTP servers with monlist enabled."},
				{Name: "potentially-unwanted-accessible", Label: "Potentially Unwanted Accessible Services",
					Description: "Potentially unwanted publicly accessible services, e.g., Telnet, RDP or VNC."},
				{Name: "information-disclosure", Label: "Information Disclosure",
					Description: "Publicly accessible services potentially disclosing sensitive information, e.g., SNMP or Redis."},
				{Name: "vulnerable-system", Label: "Vulnerable System",
					Description: "A system which is vulnerable to certain attacks, e.g., misconfigured client proxy settings (such as WPAD), outdated operating system version, or cross-site scripting vulnerabilities."},
			},
		},
		{
			Name:        "other",
			Label:       "Other",
			Description: "All incidents which don't fit in one of the given categories should be put into this class. If the number of incidents in this category increases, it is an indicator that the classification scheme must be revised.",
			Types: []CategoryType{
				{Name: "other", Label: "Uncategorised",
					Description: "All incidents which don't fit in one of the given categories should be put into this class or the incident is not categorised."},
				{Name: "undetermined", Label: "Undetermined",
					Description: "The categorisation of the incident is unknown/undetermined."},
			},
		},
		{
			Name:        "test",
			Label:       "Test",
			Description: "Meant for testing.",
			Types: []CategoryType{
				{Name: "test", Label: "Test",
					Description: "Meant for testing."},
			},
		},
	}
}
