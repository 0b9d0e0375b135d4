package clock

// Day and month names of the locales tiny-dfr knows, taken from the LC_TIME
// sections of glibc 2.36's localedata (abday, day, abmon, mon, am_pm), the
// data chrono's locales are made from. Locales whose am_pm is empty print
// nothing for %p and %P, as date(1) does.

// findExact returns the locale named exactly name (xx_YY), or nil.
func findExact(name string) *Locale {
	switch name {
	case "en_US":
		return &Locale{Name: "en_US",
			ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
			Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
			ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
			Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			AM:          "AM", PM: "PM"}
	case "en_GB":
		return &Locale{Name: "en_GB",
			ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
			Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
			ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
			Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			AM:          "am", PM: "pm"}
	case "en_IN":
		return &Locale{Name: "en_IN",
			ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
			Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
			ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
			Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			AM:          "AM", PM: "PM"}
	case "en_AU":
		return &Locale{Name: "en_AU",
			ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
			Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
			ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
			Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			AM:          "AM", PM: "PM"}
	case "en_CA":
		return &Locale{Name: "en_CA",
			ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
			Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
			ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
			Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			AM:          "AM", PM: "PM"}
	case "en_IE":
		return &Locale{Name: "en_IE",
			ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
			Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
			ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
			Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			AM:          "", PM: ""}
	case "en_NZ":
		return &Locale{Name: "en_NZ",
			ShortDays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
			Days:        [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
			ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
			Months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			AM:          "AM", PM: "PM"}
	case "de_DE":
		return &Locale{Name: "de_DE",
			ShortDays:   [7]string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"},
			Days:        [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
			ShortMonths: [12]string{"Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"},
			Months:      [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
			AM:          "", PM: ""}
	case "de_AT":
		return &Locale{Name: "de_AT",
			ShortDays:   [7]string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"},
			Days:        [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
			ShortMonths: [12]string{"Jän", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"},
			Months:      [12]string{"Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
			AM:          "", PM: ""}
	case "de_CH":
		return &Locale{Name: "de_CH",
			ShortDays:   [7]string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"},
			Days:        [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
			ShortMonths: [12]string{"Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"},
			Months:      [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
			AM:          "", PM: ""}
	case "fr_FR":
		return &Locale{Name: "fr_FR",
			ShortDays:   [7]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},
			Days:        [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
			ShortMonths: [12]string{"janv.", "févr.", "mars", "avril", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
			Months:      [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
			AM:          "", PM: ""}
	case "fr_CA":
		return &Locale{Name: "fr_CA",
			ShortDays:   [7]string{"dim", "lun", "mar", "mer", "jeu", "ven", "sam"},
			Days:        [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
			ShortMonths: [12]string{"jan", "fév", "mar", "avr", "mai", "jun", "jui", "aoû", "sep", "oct", "nov", "déc"},
			Months:      [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
			AM:          "", PM: ""}
	case "fr_BE":
		return &Locale{Name: "fr_BE",
			ShortDays:   [7]string{"dim", "lun", "mar", "mer", "jeu", "ven", "sam"},
			Days:        [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
			ShortMonths: [12]string{"jan", "fév", "mar", "avr", "mai", "jun", "jui", "aoû", "sep", "oct", "nov", "déc"},
			Months:      [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
			AM:          "", PM: ""}
	case "fr_CH":
		return &Locale{Name: "fr_CH",
			ShortDays:   [7]string{"dim", "lun", "mar", "mer", "jeu", "ven", "sam"},
			Days:        [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
			ShortMonths: [12]string{"jan", "fév", "mar", "avr", "mai", "jun", "jui", "aoû", "sep", "oct", "nov", "déc"},
			Months:      [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
			AM:          "", PM: ""}
	case "es_ES":
		return &Locale{Name: "es_ES",
			ShortDays:   [7]string{"dom", "lun", "mar", "mié", "jue", "vie", "sáb"},
			Days:        [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
			ShortMonths: [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"},
			Months:      [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
			AM:          "", PM: ""}
	case "es_MX":
		return &Locale{Name: "es_MX",
			ShortDays:   [7]string{"dom", "lun", "mar", "mié", "jue", "vie", "sáb"},
			Days:        [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
			ShortMonths: [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"},
			Months:      [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
			AM:          "", PM: ""}
	case "it_IT":
		return &Locale{Name: "it_IT",
			ShortDays:   [7]string{"dom", "lun", "mar", "mer", "gio", "ven", "sab"},
			Days:        [7]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"},
			ShortMonths: [12]string{"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"},
			Months:      [12]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
			AM:          "", PM: ""}
	case "pt_BR":
		return &Locale{Name: "pt_BR",
			ShortDays:   [7]string{"dom", "seg", "ter", "qua", "qui", "sex", "sáb"},
			Days:        [7]string{"domingo", "segunda", "terça", "quarta", "quinta", "sexta", "sábado"},
			ShortMonths: [12]string{"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"},
			Months:      [12]string{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
			AM:          "", PM: ""}
	case "pt_PT":
		return &Locale{Name: "pt_PT",
			ShortDays:   [7]string{"dom", "seg", "ter", "qua", "qui", "sex", "sáb"},
			Days:        [7]string{"domingo", "segunda", "terça", "quarta", "quinta", "sexta", "sábado"},
			ShortMonths: [12]string{"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"},
			Months:      [12]string{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
			AM:          "", PM: ""}
	case "nl_NL":
		return &Locale{Name: "nl_NL",
			ShortDays:   [7]string{"zo", "ma", "di", "wo", "do", "vr", "za"},
			Days:        [7]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
			ShortMonths: [12]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
			Months:      [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
			AM:          "", PM: ""}
	case "nl_BE":
		return &Locale{Name: "nl_BE",
			ShortDays:   [7]string{"zo", "ma", "di", "wo", "do", "vr", "za"},
			Days:        [7]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
			ShortMonths: [12]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
			Months:      [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
			AM:          "", PM: ""}
	case "sv_SE":
		return &Locale{Name: "sv_SE",
			ShortDays:   [7]string{"sön", "mån", "tis", "ons", "tor", "fre", "lör"},
			Days:        [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"},
			ShortMonths: [12]string{"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
			Months:      [12]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"},
			AM:          "", PM: ""}
	case "pl_PL":
		return &Locale{Name: "pl_PL",
			ShortDays:   [7]string{"nie", "pon", "wto", "śro", "czw", "pią", "sob"},
			Days:        [7]string{"niedziela", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota"},
			ShortMonths: [12]string{"sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"},
			Months:      [12]string{"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"},
			AM:          "", PM: ""}
	case "ru_RU":
		return &Locale{Name: "ru_RU",
			ShortDays:   [7]string{"Вс", "Пн", "Вт", "Ср", "Чт", "Пт", "Сб"},
			Days:        [7]string{"Воскресенье", "Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота"},
			ShortMonths: [12]string{"янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"},
			Months:      [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
			AM:          "", PM: ""}
	case "uk_UA":
		return &Locale{Name: "uk_UA",
			ShortDays:   [7]string{"нд", "пн", "вт", "ср", "чт", "пт", "сб"},
			Days:        [7]string{"неділя", "понеділок", "вівторок", "середа", "четвер", "п'ятниця", "субота"},
			ShortMonths: [12]string{"січ", "лют", "бер", "кві", "тра", "чер", "лип", "сер", "вер", "жов", "лис", "гру"},
			Months:      [12]string{"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"},
			AM:          "", PM: ""}
	case "cs_CZ":
		return &Locale{Name: "cs_CZ",
			ShortDays:   [7]string{"Ne", "Po", "Út", "St", "Čt", "Pá", "So"},
			Days:        [7]string{"Neděle", "Pondělí", "Úterý", "Středa", "Čtvrtek", "Pátek", "Sobota"},
			ShortMonths: [12]string{"led", "úno", "bře", "dub", "kvě", "čen", "čec", "srp", "zář", "říj", "lis", "pro"},
			Months:      [12]string{"ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září", "října", "listopadu", "prosince"},
			AM:          "", PM: ""}
	case "da_DK":
		return &Locale{Name: "da_DK",
			ShortDays:   [7]string{"søn", "man", "tir", "ons", "tor", "fre", "lør"},
			Days:        [7]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"},
			ShortMonths: [12]string{"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
			Months:      [12]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"},
			AM:          "", PM: ""}
	case "nb_NO":
		return &Locale{Name: "nb_NO",
			ShortDays:   [7]string{"sø.", "ma.", "ti.", "on.", "to.", "fr.", "lø."},
			Days:        [7]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"},
			ShortMonths: [12]string{"jan.", "feb.", "mars", "april", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des."},
			Months:      [12]string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"},
			AM:          "", PM: ""}
	case "fi_FI":
		return &Locale{Name: "fi_FI",
			ShortDays:   [7]string{"su", "ma", "ti", "ke", "to", "pe", "la"},
			Days:        [7]string{"sunnuntai", "maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai"},
			ShortMonths: [12]string{"tammi", "helmi", "maalis", "huhti", "touko", "kesä", "heinä", "elo", "syys", "loka", "marras", "joulu"},
			Months:      [12]string{"tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu", "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu"},
			AM:          "", PM: ""}
	case "tr_TR":
		return &Locale{Name: "tr_TR",
			ShortDays:   [7]string{"Paz", "Pzt", "Sal", "Çrş", "Prş", "Cum", "Cts"},
			Days:        [7]string{"Pazar", "Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi"},
			ShortMonths: [12]string{"Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"},
			Months:      [12]string{"Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"},
			AM:          "ÖÖ", PM: "ÖS"}
	case "ja_JP":
		return &Locale{Name: "ja_JP",
			ShortDays:   [7]string{"日", "月", "火", "水", "木", "金", "土"},
			Days:        [7]string{"日曜日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日"},
			ShortMonths: [12]string{" 1月", " 2月", " 3月", " 4月", " 5月", " 6月", " 7月", " 8月", " 9月", "10月", "11月", "12月"},
			Months:      [12]string{"1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"},
			AM:          "午前", PM: "午後"}
	case "ko_KR":
		return &Locale{Name: "ko_KR",
			ShortDays:   [7]string{"일", "월", "화", "수", "목", "금", "토"},
			Days:        [7]string{"일요일", "월요일", "화요일", "수요일", "목요일", "금요일", "토요일"},
			ShortMonths: [12]string{" 1월", " 2월", " 3월", " 4월", " 5월", " 6월", " 7월", " 8월", " 9월", "10월", "11월", "12월"},
			Months:      [12]string{"1월", "2월", "3월", "4월", "5월", "6월", "7월", "8월", "9월", "10월", "11월", "12월"},
			AM:          "오전", PM: "오후"}
	case "zh_CN":
		return &Locale{Name: "zh_CN",
			ShortDays:   [7]string{"日", "一", "二", "三", "四", "五", "六"},
			Days:        [7]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"},
			ShortMonths: [12]string{"1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"},
			Months:      [12]string{"一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"},
			AM:          "上午", PM: "下午"}
	case "zh_TW":
		return &Locale{Name: "zh_TW",
			ShortDays:   [7]string{"日", "一", "二", "三", "四", "五", "六"},
			Days:        [7]string{"週日", "週一", "週二", "週三", "週四", "週五", "週六"},
			ShortMonths: [12]string{" 1月", " 2月", " 3月", " 4月", " 5月", " 6月", " 7月", " 8月", " 9月", "10月", "11月", "12月"},
			Months:      [12]string{"一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"},
			AM:          "上午", PM: "下午"}
	}
	return nil
}

// languageDefault names the locale used for a bare language code ("de")
// or a country this table lacks ("de_LU").
func languageDefault(lang string) string {
	switch lang {
	case "en":
		return "en_US"
	case "de":
		return "de_DE"
	case "fr":
		return "fr_FR"
	case "es":
		return "es_ES"
	case "it":
		return "it_IT"
	case "pt":
		return "pt_BR"
	case "nl":
		return "nl_NL"
	case "sv":
		return "sv_SE"
	case "pl":
		return "pl_PL"
	case "ru":
		return "ru_RU"
	case "uk":
		return "uk_UA"
	case "cs":
		return "cs_CZ"
	case "da":
		return "da_DK"
	case "nb":
		return "nb_NO"
	case "fi":
		return "fi_FI"
	case "tr":
		return "tr_TR"
	case "ja":
		return "ja_JP"
	case "ko":
		return "ko_KR"
	case "zh":
		return "zh_CN"
	}
	return ""
}
